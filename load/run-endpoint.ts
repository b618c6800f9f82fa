// A run's endpoint: the HTTP client, the embedded mock or the chaos proxy started in-process when
// asked, the adapter and the price it is charged at; then the estimated spend stated and confirmed.
import { Agent } from '../core/undici.js'
import type { Adapter } from '../adapters/types.js'
import { createAdapterFromTarget, defaultBaseUrl } from '../adapters/registry.js'
import { isLoopbackUrl, mockEndpointTarget, type TargetSpec } from '../adapters/target.js'
import type { MockServer } from '../adapters/mock/index.js'
import { findPrice, type ModelPrice } from '../adapters/pricing/index.js'
import type { ChaosProxy } from '../chaos/proxy.js'
import { UserError } from '../core/errors.js'
import { formatDuration } from '../core/format.js'
import { encodingForModel, getEncoder, type EncodingName } from '../core/tokens.js'
import { spendUsd } from '../results/cost.js'
import type { RunPlan, RunSettings } from './run-plan.js'
import type { RunOptions } from './run.js'

export interface RunEndpoint {
  adapter: Adapter
  /** The endpoint as a target spec, with the mock's or the proxy's URL in. */
  adapterTarget: TargetSpec
  mock: MockServer | undefined
  proxy: ChaosProxy | undefined
  /** The model name the spend is priced as. */
  pricedAs: string
  price: ModelPrice | undefined
  spendOf: (usage: Parameters<typeof spendUsd>[0]) => number | null
  encoding: EncodingName
}

/** Starts what the endpoint needs; each server or client started pushes its own cleanup. */
export async function openEndpoint(options: RunOptions, settings: RunSettings, plan: RunPlan, cleanups: (() => Promise<void>)[]): Promise<RunEndpoint> {
  const { log, env, seed, clock } = settings
  const { spec, timeline, plannedSchedule, maxInFlight } = plan
  let mock: MockServer | undefined
  let pricedAs = options.priceAs
  const dispatcher = new Agent({
    // No more than the schedule can use (closed: its users): see each schedule's connections().
    connections: plannedSchedule.connections(maxInFlight),
    keepAliveTimeout: 30_000,
    headersTimeout: options.headersTimeoutMs ?? 60_000,
    bodyTimeout: options.bodyTimeoutMs ?? 60_000,
  })
  // destroy, not close: by now every attempt has settled, and close() would wait for a request
  // still queued for a connection (aborted before it started) to get one first.
  cleanups.push(() => dispatcher.destroy())
  let adapterTarget = spec
  if (spec.adapter === 'mock') {
    mock = await (await import('../adapters/mock/index.js')).createMockServer({ profile: spec.profile, port: 0, seed })
    cleanups.push(() => (mock as MockServer).close())
    adapterTarget = mockEndpointTarget(spec, mock.url)
    pricedAs ??= mock.profile.priceAs
    log(`embedded mock '${mock.profile.name}' listening on ${mock.url}`)
  }
  // Chaos: an in-process fault proxy in front of the endpoint.
  let proxy: ChaosProxy | undefined
  if (timeline !== undefined) {
    const base = adapterTarget.baseUrl ?? defaultBaseUrl(adapterTarget.adapter, env)
    if (base === undefined) {
      throw new UserError('TARGET_INVALID', `--target ${options.target}: --chaos needs the endpoint's base URL; write it as adapter:model@URL`)
    }
    const upstream = new URL(base)
    proxy = await (await import('../chaos/proxy.js')).createChaosProxy({ upstream: upstream.origin, timeline, seed, clock })
    cleanups.push(() => (proxy as ChaosProxy).close())
    adapterTarget = { ...adapterTarget, baseUrl: `${proxy.url}${upstream.pathname.replace(/\/$/, '')}` }
    log(`chaos proxy ${proxy.url} -> ${upstream.origin} with ${timeline.phases.length} phases`)
  }
  const adapter =
    options.adapter ??
    createAdapterFromTarget(adapterTarget, {
      env,
      dispatcher,
      headersTimeoutMs: options.headersTimeoutMs ?? 60_000,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
    })
  pricedAs ??= adapter.model
  const price: ModelPrice | undefined = findPrice(settings.priceTable, pricedAs)
  const spendOf = (usage: Parameters<typeof spendUsd>[0]): number | null => spendUsd(usage, price)
  const encoding = encodingForModel(pricedAs)
  // The tokenizer (~70 MB, up to a second or two of CPU) is loaded only when an answer lacks
  // usage, unless asked for up front (an endpoint known to report none); a load inside the run
  // is reported by the self-check, since it pauses the client.
  if (options.tokenizer === 'eager') getEncoder(encoding)
  return { adapter, adapterTarget, mock, proxy, pricedAs, price, spendOf, encoding }
}

/** States what the traffic would cost; a non-loopback endpoint needs `yes` or a confirmation. */
export async function confirmSpend(options: RunOptions, plan: RunPlan, endpoint: RunEndpoint, plannedMs: number | null, log: (line: string) => void): Promise<void> {
  const { estimate, plannedSchedule } = plan
  const { adapter, pricedAs } = endpoint
  const estimatedUsd = endpoint.spendOf({ inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens })
  const loopback = isLoopbackUrl(adapter.baseUrl)
  log(
    `traffic: ${estimate.requests} requests ${plannedMs === null ? `sent by the ${plannedSchedule.describe()} (their offsets unused)` : `over ${formatDuration(plannedMs)}`}, ${estimate.inputTokens.toLocaleString('en-US')} input and ~${estimate.outputTokens.toLocaleString('en-US')} output tokens; ` +
      `estimated spend ${estimatedUsd === null ? `unknown (no price for '${pricedAs}')` : `$${estimatedUsd.toFixed(4)}`} as ${pricedAs}` +
      (options.maxSpendUsd === undefined ? '' : `; hard cap $${options.maxSpendUsd}`),
  )
  if (!loopback && options.yes !== true) {
    const question = `This sends ${estimate.requests} requests to ${adapter.baseUrl} (estimated ${estimatedUsd === null ? 'unknown spend' : `$${estimatedUsd.toFixed(2)}`}). Continue?`
    const ok = options.confirm === undefined ? false : await options.confirm(question)
    if (!ok) {
      throw new UserError(
        'SPEND_NOT_CONFIRMED',
        `--target ${options.target} is not a loopback endpoint and the run was not confirmed; pass --yes (and consider --max-spend USD) to send real traffic`,
      )
    }
  }
}
