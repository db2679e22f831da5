import { CodedError } from '../../contract/coded-error';

/**
 * One error type for every cloud call. `code` is the cloud's error code (contract/http.ts
 * ErrorCodes), or 'offline' when no answer came (network, timeout), or 'bad_response' when the
 * answer did not match the contract. `status` is the HTTP status, 0 when there was none.
 */
export class CloudError extends CodedError {
  constructor(code: string, readonly status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CloudError';
  }

  get offline(): boolean {
    return this.code === 'offline';
  }

  /** Worth retrying later: no answer, rate limited, or a server-side failure. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
