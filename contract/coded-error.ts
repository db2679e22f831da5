/**
 * An error that carries a machine-readable `code` (contract/http.ts ErrorCodes, or a code the thrower
 * documents; a subclass narrows `Code` to its own list) and keeps the original failure as `cause` (STYLE.md "Errors carry a code"). The cloud's
 * HttpError and the kiosk's CloudError add their HTTP status; CcTalkError and the screen's TransportError
 * narrow the code.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodedError';
  }
}
