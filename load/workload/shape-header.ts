// The header of a fixed-shape traffic file (`traffic generate --rate|--concurrency ...`), and the
// schedule a closed-loop one asks for: `--concurrency C` writes `parameters.schedule` =
// { type: 'closed', users: C }, which `run` uses unless it is given schedule flags of its own.
import { UserError } from '../../core/errors.js'
import { DEFAULT_ENCODING } from '../../core/tokens.js'
import { TRAFFIC_SCHEMA_VERSION, type TrafficHeader } from '../../core/traffic-types.js'
import { GENERATOR, VERSION } from '../../core/version.js'
import { parseSchedule, type ScheduleSpec } from '../schedules/registry.js'
import { REPRODUCIBLE_CREATED_AT } from './generate.js'
import { describeShape, type TrafficShape } from './shape.js'

export function shapeHeader(shape: TrafficShape, seed: number, createdAt: string | undefined): Omit<TrafficHeader, 'requestCount' | 'spanMs'> {
  const parameters: Record<string, unknown> = { shape: { ...shape } }
  if (shape.concurrency === undefined) parameters['durationMs'] = shape.durationMs
  else parameters['schedule'] = { type: 'closed', users: shape.concurrency, thinkTimeMs: 0 }
  return {
    type: 'header',
    schemaVersion: TRAFFIC_SCHEMA_VERSION,
    generator: GENERATOR,
    generatorVersion: VERSION,
    seed,
    source: describeShape(shape),
    createdAt: createdAt ?? REPRODUCIBLE_CREATED_AT,
    encoding: DEFAULT_ENCODING,
    parameters,
  }
}

/** The run flags a header's schedule stands for (`--users 4`), for hints. */
export function scheduleFlagsOf(spec: ScheduleSpec): string {
  return spec.type === 'closed' ? `--users ${spec.users}` : `a ${spec.type} schedule`
}

/** The schedule the file asks for, checked; undefined when it asks for none. */
export function headerSchedule(header: TrafficHeader, path: string): ScheduleSpec | undefined {
  const wanted = header.parameters?.['schedule']
  if (wanted === undefined) return undefined
  try {
    return parseSchedule(wanted, `${path} header parameters.schedule`)
  } catch (error) {
    throw new UserError('TRAFFIC_INVALID', `${(error as Error).message.split('\n')[0]}; regenerate the file with 'gauntlet traffic generate'`, { cause: error })
  }
}
