import { useRef, useState } from 'react';
import type { FieldErrors } from './field-errors.ts';

/** What a form shows: a sentence above it, and the refused fields marked beside their inputs. */
export interface FormAnswer {
  readonly errors?: FieldErrors;
  readonly message?: string;
}

const NONE: FieldErrors = {};

/**
 * A form's problems and its one request at a time: `show` puts the form's own check (or what is left of it) on
 * screen; `send` clears it, runs the request and shows its answer. A second submit while one is on its way, even in
 * the same frame (a double click), sends nothing.
 */
export function useFormSending() {
  const [answer, setAnswer] = useState<FormAnswer>({});
  const [sending, setSending] = useState(false);
  // Set synchronously, so that a second click in the same frame finds the form already sending.
  const inFlight = useRef(false);

  const send = async (request: () => Promise<FormAnswer>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    setAnswer({});
    try {
      setAnswer(await request());
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  return { errors: answer.errors ?? NONE, message: answer.message, sending, show: setAnswer, send };
}
