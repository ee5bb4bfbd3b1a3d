import { Form } from 'antd';
import type { ReactNode } from 'react';

interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly error?: string | undefined;
  readonly required?: boolean;
  readonly extra?: ReactNode;
  readonly children: ReactNode;
}

/** A labelled field with its problem beside it, linked to the input for screen readers. */
export function Field({ id, label, error, required, extra, children }: FieldProps) {
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={required}
      extra={extra}
      validateStatus={error ? 'error' : undefined}
      help={error ? <span id={`${id}-error`}>{error}</span> : undefined}
    >
      {children}
    </Form.Item>
  );
}

/** The input's link to its problem, when it has one. */
export const describedBy = (id: string, error: string | undefined) =>
  error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {};
