/** The one field of jest's global config that these hooks read. */
export interface JestRoot {
  readonly rootDir: string;
}
