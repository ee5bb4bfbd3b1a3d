import { useCallback } from 'react';
import { useSession } from '../../session/context.tsx';
import type { Upload } from './attachments-field.tsx';
import { uploadFile } from './upload-file.ts';

/** Uploads as the signed-in account, with the access token current at the moment each file is sent. */
export function useUpload(): Upload {
  const session = useSession();
  return useCallback(
    (file, onProgress) =>
      uploadFile(file, {
        authorization: async () => {
          const token = session.accessToken();
          return token ? `Bearer ${token}` : undefined;
        },
        onProgress,
      }),
    [session],
  );
}
