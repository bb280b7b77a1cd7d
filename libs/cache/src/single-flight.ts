/** What a running load can ask about itself. */
export interface Flight {
  /** The key was deleted while this load ran: its result is stale, so do not cache it. */
  readonly invalidated: boolean;
}

interface RunningFlight extends Flight {
  invalidated: boolean;
  readonly promise: Promise<unknown>;
}

/**
 * At most one running load per key in this process: callers that ask while one runs share its
 * result (or its error) instead of each calling the loader, which is what keeps a popular key
 * that just expired from sending a stampede to the database.
 */
export class SingleFlight {
  private readonly running = new Map<string, RunningFlight>();

  run<T>(key: string, load: (flight: Flight) => Promise<T>): Promise<T> {
    const joined = this.running.get(key);
    // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- all callers of one key load the same T
    if (joined) return joined.promise as Promise<T>;

    const flight: { invalidated: boolean } = { invalidated: false };
    const promise = load(flight).finally(() => {
      if (this.running.get(key)?.promise === promise) this.running.delete(key);
    });
    this.running.set(key, Object.assign(flight, { promise }));
    return promise;
  }

  /**
   * Marks the running loads of matching keys stale and lets the next caller start afresh:
   * a load that read the database before a change must not cache what it read after it.
   */
  invalidate(matches: (key: string) => boolean): void {
    for (const [key, flight] of this.running) {
      if (!matches(key)) continue;
      flight.invalidated = true;
      this.running.delete(key);
    }
  }
}
