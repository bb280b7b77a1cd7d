/** A clock for the memory stores that moves only when a test says so. */
export class FakeClock {
  private current = Date.UTC(2026, 0, 1);

  readonly now = (): number => this.current;

  async advance(ms: number): Promise<void> {
    this.current += ms;
  }
}
