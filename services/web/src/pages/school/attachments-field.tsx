import { DeleteOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Progress } from 'antd';
import type { ChangeEvent } from 'react';
import { type AttachmentItem, MAX_ATTACHMENTS } from './entry-draft.ts';
import type { UploadedFile } from './upload-file.ts';

/** Sends one file, reporting progress (0–1); rejects with a message for the user. */
export type Upload = (file: File, onProgress: (share: number) => void) => Promise<UploadedFile>;

type Items = readonly AttachmentItem[];

interface Props {
  readonly items: Items;
  /** Takes an updater: uploads finish in any order, each changing only its own item. */
  readonly onChange: (update: (items: Items) => Items) => void;
  readonly upload: Upload;
  readonly error?: string;
  readonly disabled?: boolean;
}

const ACCEPT = '.pdf,.docx,.jpg,.jpeg,.png,.mp4,.mp3,application/pdf,image/jpeg,image/png,video/mp4,audio/mpeg';

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const STATES: Readonly<Record<AttachmentItem['state'], string>> = {
  uploading: '上传中',
  done: '已上传',
  failed: '上传失败',
};

/**
 * 上传附件: files go up as soon as they are picked, each with its progress and state; a failed one can be sent again
 * or removed. At most MAX_ATTACHMENTS.
 */
export function AttachmentsField({ items, onChange, upload, error, disabled }: Props) {
  const change = (key: string, next: Partial<AttachmentItem>) =>
    onChange((all) => all.map((item) => (item.key === key ? { ...item, ...next } : item)));

  const send = (key: string, file: File) => {
    change(key, { state: 'uploading', progress: 0, error: undefined });
    upload(file, (progress) => change(key, { progress })).then(
      (uploaded) => change(key, { state: 'done', progress: 1, id: uploaded.id, name: uploaded.name }),
      (reason: unknown) =>
        change(key, { state: 'failed', error: reason instanceof Error ? reason.message : '上传失败，请重试' }),
    );
  };

  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    const room = MAX_ATTACHMENTS - items.length;
    const added = files.slice(0, Math.max(0, room)).map((file) => ({
      key: crypto.randomUUID(),
      name: file.name,
      size: file.size,
      state: 'uploading' as const,
      progress: 0,
      file,
    }));
    onChange((all) => [...all, ...added]);
    for (const item of added) send(item.key, item.file);
  };

  const full = items.length >= MAX_ATTACHMENTS;
  return (
    <div className="attachments">
      <input
        id="attachments-input"
        className="visually-hidden"
        type="file"
        multiple
        accept={ACCEPT}
        disabled={disabled || full}
        aria-describedby={error ? 'attachments-error' : 'attachments-hint'}
        onChange={pick}
      />
      <label htmlFor="attachments-input" className={`file-button${disabled || full ? ' is-disabled' : ''}`}>
        <UploadOutlined aria-hidden /> 上传附件
      </label>
      <p id="attachments-hint" className="hint">
        PDF、Word、图片、视频或音频，最多 {MAX_ATTACHMENTS} 个（已选 {items.length} 个）。
      </p>
      {error && (
        <div id="attachments-error" className="field-error" role="alert">
          {error}
        </div>
      )}
      <ul className="attachment-list" aria-label="附件">
        {items.map((item) => (
          <li key={item.key} className="attachment-item">
            <div className="attachment-line">
              <span className="attachment-name">{item.name}</span>
              <span className="hint">{size(item.size)}</span>
              <span className={`attachment-state is-${item.state}`}>{STATES[item.state]}</span>
            </div>
            {item.state === 'uploading' && (
              <Progress percent={Math.round(item.progress * 100)} size="small" aria-label={`${item.name} 上传进度`} />
            )}
            {item.state === 'failed' && (
              <div className="field-error" role="alert">
                {item.error}
              </div>
            )}
            <div className="attachment-actions">
              {item.state === 'failed' && item.file && (
                <Button
                  icon={<ReloadOutlined aria-hidden />}
                  aria-label={`重试 ${item.name}`}
                  disabled={disabled}
                  onClick={() => item.file && send(item.key, item.file)}
                >
                  重试
                </Button>
              )}
              <Button
                icon={<DeleteOutlined aria-hidden />}
                aria-label={`移除 ${item.name}`}
                disabled={disabled || item.state === 'uploading'}
                onClick={() => onChange((all) => all.filter((other) => other.key !== item.key))}
              >
                移除
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
