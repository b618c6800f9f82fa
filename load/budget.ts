// The hard spend cap: a new request is sent only while what was spent plus the worst case of
// everything in flight (its input plus max output tokens) stays under the cap.
export interface Budget {
  readonly capUsd: number | undefined
  /** Reserve the worst case for a request; false when it would pass the cap. */
  tryReserve(worstCaseUsd: number): boolean
  /** Release a reservation and book what was really spent. */
  settle(worstCaseUsd: number, spentUsd: number): void
  readonly spentUsd: number
  readonly stopped: boolean
}

export function createBudget(capUsd: number | undefined): Budget {
  let spent = 0
  let reserved = 0
  let stopped = false
  return {
    capUsd,
    tryReserve(worstCaseUsd) {
      if (capUsd === undefined) return true
      if (stopped || spent + reserved + worstCaseUsd > capUsd) {
        stopped = true
        return false
      }
      reserved += worstCaseUsd
      return true
    },
    settle(worstCaseUsd, spentUsd) {
      if (capUsd !== undefined) reserved = Math.max(0, reserved - worstCaseUsd)
      spent += spentUsd
    },
    get spentUsd() {
      return spent
    },
    get stopped() {
      return stopped
    },
  }
}
