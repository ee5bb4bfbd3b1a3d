import { Navigate } from 'react-router';
import { useAccount } from '../session/context.tsx';
import type { SignedInAccount } from '../session/operations.ts';

/** Where each role starts. */
const HOMES: Readonly<Record<SignedInAccount['role'], string>> = {
  school: '/school',
  organizer: '/office',
  viewer: '/dashboard',
  judge: '/judge',
};

/** `/`: the signed-in account's home. */
export default function HomePage() {
  return <Navigate to={HOMES[useAccount().role]} replace />;
}
