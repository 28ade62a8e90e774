/**
 * EPCIS 2.0 REST errors as RFC 7807 problem details (`application/problem+json`), with the EPCIS exception types of
 * the standard's OpenAPI binding (`epcisException:QueryParameterException`, …). Browser-safe: no Node imports.
 */

/** The EPCIS exception types this interface answers with, and their HTTP status. */
export const EPCIS_EXCEPTIONS = {
  QueryParameterException: 400,
  ValidationException: 400,
  SecurityException: 401,
  NoSuchResourceException: 404,
  CaptureLimitExceededException: 413,
  ImplementationException: 500,
} as const;

export type EpcisExceptionType = keyof typeof EPCIS_EXCEPTIONS;

/** The body of an error answer. */
export interface EpcisProblemBody {
  type: `epcisException:${EpcisExceptionType}`;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

/** An error the interface answers as a problem document; `status` may narrow the type's default (403 for 401). */
export class EpcisProblem extends Error {
  readonly status: number;
  constructor(
    readonly exception: EpcisExceptionType,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = "EpcisProblem";
    this.status = status ?? EPCIS_EXCEPTIONS[exception];
  }

  /** The RFC 7807 body (`instance` is the request path). */
  body(instance?: string): EpcisProblemBody {
    return {
      type: `epcisException:${this.exception}`,
      title: TITLES[this.exception],
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
    };
  }
}

const TITLES: Record<EpcisExceptionType, string> = {
  QueryParameterException: "Invalid query parameter",
  ValidationException: "The document is not a valid EPCIS 2.0 document",
  SecurityException: "Not allowed",
  NoSuchResourceException: "No such resource",
  CaptureLimitExceededException: "Capture limit exceeded",
  ImplementationException: "The server failed",
};

/** Any thrown value as a problem: an `EpcisProblem` as is, anything else as an ImplementationException. */
export function asProblem(err: unknown): EpcisProblem {
  if (err instanceof EpcisProblem) return err;
  return new EpcisProblem("ImplementationException", (err as Error)?.message ?? String(err));
}

/** True when `body` has the shape of an EPCIS problem document (for clients reading an error answer). */
export function isProblemBody(body: unknown): body is EpcisProblemBody {
  if (body === null || typeof body !== "object") return false;
  const b = body as Record<string, unknown>;
  return typeof b.type === "string" && b.type.startsWith("epcisException:") && typeof b.status === "number";
}
