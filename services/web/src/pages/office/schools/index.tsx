import './schools.css';
import { Segmented } from 'antd';
import { lazy, Suspense } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import SchoolsPage from './schools-page.tsx';

const LecturersPage = lazy(() => import('./lecturers-page.tsx'));
const ImportPage = lazy(() => import('./import-page.tsx'));

/** `/office/schools/*`: schools and their enrollment, lecturers, and importing either from the bureau's sheets. */
export default function SchoolsSection() {
  const lecturers = useLocation().pathname.startsWith('/office/schools/lecturers');
  const navigate = useNavigate();
  return (
    <div className="office-schools">
      <Segmented
        aria-label="学校或讲师"
        value={lecturers ? 'lecturers' : 'schools'}
        options={[
          { value: 'schools', label: '学校' },
          { value: 'lecturers', label: '讲师' },
        ]}
        onChange={(value) => navigate(value === 'lecturers' ? '/office/schools/lecturers' : '/office/schools')}
      />
      <Suspense>
        <Routes>
          <Route index element={<SchoolsPage />} />
          <Route path="import" element={<ImportPage kind="schools" />} />
          <Route path="lecturers" element={<LecturersPage />} />
          <Route path="lecturers/import" element={<ImportPage kind="lecturers" />} />
        </Routes>
      </Suspense>
    </div>
  );
}
