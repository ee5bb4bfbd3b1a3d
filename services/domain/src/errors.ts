/**
 * One error type per refusal reason. The API maps `code` to `extensions.code` in one place; messages are meant for
 * the person who sent the command.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    /** The input field the refusal is about, when it is about one (`extensions.field`), e.g. `attachmentIds.0`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export class InvalidInput extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  declare readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`, field);
  }
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND';
}

export class Conflict extends DomainError {
  readonly code = 'CONFLICT';
}

export class CampaignNotOpen extends DomainError {
  readonly code = 'CAMPAIGN_NOT_OPEN';
}

export class NotEligible extends DomainError {
  readonly code = 'NOT_ELIGIBLE';
}

export class LimitExceeded extends DomainError {
  readonly code = 'LIMIT_EXCEEDED';
}

export class QuotaExceeded extends DomainError {
  readonly code = 'QUOTA_EXCEEDED';
}

/** Sign-in refused for a while: too many failures for one login, or too many attempts from one address. */
export class TooManyAttempts extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many sign-in attempts; try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s)`);
  }
}

/** Wrong login or password, an unusable refresh token: one code, and messages that give nothing away. */
export class SignInRefused extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}
