// A precise wake-up without a busy loop: a small worker thread sleeps on Atomics.wait (a timed
// wait with microsecond resolution, no CPU while it sleeps) until the earliest due time, then
// posts one message that wakes the main event loop. Node's own timers run on a millisecond
// clock and fire up to ~1 ms early or late, which is why the pacer used to spin.
//
//   main: wake(at) ─► due[0] = at, generation++ , notify ──► worker: Atomics.wait(…, at − now)
//   main: resolve waiters ◄── 'message' (generation) ◄────── worker: timed out → postMessage
import { Worker } from 'node:worker_threads'

/** The worker, as plain CommonJS source (no file to find at run time, bundled or not). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const control = new Int32Array(workerData.control)
const due = new Float64Array(workerData.due)
const now = () => Number(process.hrtime.bigint()) / 1e6
for (;;) {
  const generation = Atomics.load(control, 0)
  if (generation < 0) break
  const target = due[0]
  if (!(target > 0)) { Atomics.wait(control, 0, generation); continue }
  const waitMs = target - now()
  if (waitMs > 0 && Atomics.wait(control, 0, generation, waitMs) !== 'timed-out') continue
  if (Atomics.load(control, 0) !== generation) continue
  parentPort.postMessage(generation)
  Atomics.wait(control, 0, generation)
}
`

interface Waiter {
  atMs: number
  resolve: () => void
}

export interface Ticker {
  /** Resolves at `atMs` (performance.now() scale) or a little after; at once when `signal` aborts. */
  wake(atMs: number, signal: AbortSignal): Promise<void>
  /** Wake-ups delivered so far. */
  readonly wakeups: number
  /**
   * Resolves once the worker thread runs (its start takes tens of ms, more on a busy machine):
   * a run awaits it before its clock starts, or its first sends would wait for the thread.
   */
  readonly ready: Promise<void>
  close(): void
}

export function createTicker(): Ticker {
  const control = new Int32Array(new SharedArrayBuffer(4))
  const due = new Float64Array(new SharedArrayBuffer(8))
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control: control.buffer, due: due.buffer } })
  // Referenced until it runs (awaiting `ready` keeps the process up), then only while someone
  // waits: a run that stops before its first wait (a write error, Ctrl-C in warm-up) still exits.
  const ready = new Promise<void>((resolve) => {
    worker.once('online', () => {
      if (!referenced) worker.unref()
      resolve()
    })
    worker.once('error', () => resolve())
  })
  // performance.now() → the monotonic hrtime scale both threads can read.
  const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now()
  const waiters: Waiter[] = []
  let wakeups = 0
  let referenced = false

  /** Points the worker at the earliest waiter (a futex wake: only when that changes). */
  const program = (): void => {
    const first = waiters[0]
    if (first !== undefined) {
      due[0] = first.atMs + offsetMs
      Atomics.add(control, 0, 1)
      Atomics.notify(control, 0)
    }
    // While someone waits, the worker keeps the process alive (a pending promise does not).
    // With nobody waiting it is left asleep: a stale tick that still comes is ignored.
    if (first !== undefined && !referenced) {
      worker.ref()
      referenced = true
    } else if (first === undefined && referenced) {
      worker.unref()
      referenced = false
    }
  }

  worker.on('message', (generation: number) => {
    if (generation !== Atomics.load(control, 0) || waiters.length === 0) return
    wakeups++
    const now = performance.now()
    let ready = 0
    while (ready < waiters.length && (waiters[ready] as Waiter).atMs <= now) ready++
    // Woken a hair early (clock conversion): resolve the first anyway, the caller yields the rest.
    if (ready === 0 && waiters.length > 0) ready = 1
    const done = waiters.splice(0, ready)
    if (done.length > 0) program()
    for (const waiter of done) waiter.resolve()
  })
  worker.on('error', () => {
    // The worker cannot fail on its own; if it does, waiters are released and the pacer's
    // yield loop covers the rest (imprecise, not wrong).
    for (const waiter of waiters.splice(0)) waiter.resolve()
  })

  return {
    ready,
    get wakeups() {
      return wakeups
    },
    wake(atMs, signal) {
      if (signal.aborted) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const onAbort = (): void => {
          const index = waiters.indexOf(waiter)
          if (index >= 0) waiters.splice(index, 1)
          if (index === 0) program()
          resolve()
        }
        const waiter: Waiter = {
          atMs,
          resolve: () => {
            signal.removeEventListener('abort', onAbort)
            resolve()
          },
        }
        signal.addEventListener('abort', onAbort, { once: true })
        let index = waiters.length
        while (index > 0 && (waiters[index - 1] as Waiter).atMs > atMs) index--
        waiters.splice(index, 0, waiter)
        if (index === 0) program()
      })
    },
    close() {
      for (const waiter of waiters.splice(0)) waiter.resolve()
      Atomics.store(control, 0, -1)
      Atomics.notify(control, 0)
      void worker.terminate()
    },
  }
}
