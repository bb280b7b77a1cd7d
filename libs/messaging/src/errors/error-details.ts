/** What can be said about a thrown value, whatever was thrown. */
export interface ErrorDetails {
  readonly name: string;
  readonly message: string;
  /** The stable code Atlas errors carry (`CATALOG.OUT_OF_STOCK`), when there is one. */
  readonly code: string | undefined;
  readonly stack: string | undefined;
}

export function errorDetails(error: unknown): ErrorDetails {
  if (error instanceof Error) {
    const code: unknown = (error as Error & { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
      stack: error.stack,
    };
  }
  return { name: typeof error, message: String(error), code: undefined, stack: undefined };
}
