// `gauntlet traffic mutate`: clean traffic file in, the same traffic with a seeded share of
// malformed inputs out (tags `malformed:<kind>`, recounted `inputTokens`).
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { malformedKinds } from '../../chaos/inputs/classify.js'
import { createTrafficMutator, validateMutateOptions, type MutateTrafficOptions } from '../../chaos/inputs/mutate.js'
import { createInputMutators, INPUT_KINDS } from '../../chaos/inputs/registry.js'
import { UserError } from '../../core/errors.js'
import type { EncodingName } from '../../core/tokens.js'
import { VERSION } from '../../core/version.js'
import { expandMessages, readTraffic } from '../../load/traffic.js'
import { createTrafficWriter } from '../../load/traffic-writer.js'
import type { TrafficHeader } from '../../core/traffic-types.js'
import { parseNumberFlag } from '../cli-helpers.js'
import { EXIT_OK, type SetExitCode } from '../exit-codes.js'

interface MutateFlags {
  in: string
  out: string
  rate: string
  seed: string
  kinds?: string
  kindsPerRequest?: string
  contextTokens?: string
  oversizedBytes?: string
  nestingDepth?: string
  dirtyTableRows?: string
}

const ENCODINGS: readonly EncodingName[] = ['o200k_base', 'cl100k_base']

function kindList(): string {
  return [...createInputMutators().values()].map((mutator) => `  ${mutator.kind.padEnd(24)} ${mutator.description}`).join('\n')
}

/** Adds `mutate` under the `traffic` command. */
export function registerMutate(trafficCommand: Command, setExitCode: SetExitCode): void {
  trafficCommand
    .command('mutate')
    .description('Turn a share of clean traffic into malformed enterprise inputs (seeded, tagged malformed:<kind>)')
    .requiredOption('--in <file>', 'traffic file (JSONL) to read')
    .requiredOption('--out <file>', 'traffic file (JSONL) to write')
    .requiredOption('--rate <r>', 'probability that a request is mutated, 0 to 1 (e.g. 0.05)')
    .requiredOption('--seed <n>', 'seed of every draw (same seed and input, same output)')
    .option('--kinds <list>', `comma-separated kinds to draw from (default: all): ${INPUT_KINDS.join(',')}`)
    .option('--kinds-per-request <n>', 'distinct kinds applied to each mutated request (default 1)')
    .option('--context-tokens <n>', 'context-overflow: the model context window in tokens (default 128000)')
    .option('--oversized-bytes <n>', 'oversized-json: size of the huge JSON blob in bytes (default 11534336)')
    .option('--nesting-depth <n>', 'oversized-json: depth of the nested JSON blob (default 10000)')
    .option('--dirty-table-rows <n>', 'dirty-table: rows embedded per request (default 20)')
    .addHelpText('after', `\nKinds:\n${kindList()}\n`)
    .action(async (flags: MutateFlags) => {
      const inPath = resolve(flags.in)
      const outPath = resolve(flags.out)
      if (inPath === outPath) {
        throw new UserError('USAGE_INVALID', `--out ${flags.out}: is the same file as --in; write the mutated traffic to a new file`)
      }
      const options: MutateTrafficOptions = {
        rate: parseNumberFlag('--rate', flags.rate, { min: 0, max: 1 }),
        seed: parseNumberFlag('--seed', flags.seed, { min: 0, max: 0xffffffff, integer: true }),
        expand: expandMessages,
      }
      if (flags.kinds !== undefined) options.kinds = flags.kinds.split(',')
      if (flags.kindsPerRequest !== undefined) options.kindsPerRequest = parseNumberFlag('--kinds-per-request', flags.kindsPerRequest, { min: 1, integer: true })
      if (flags.contextTokens !== undefined) options.contextTokens = parseNumberFlag('--context-tokens', flags.contextTokens, { min: 1, integer: true })
      if (flags.oversizedBytes !== undefined) options.oversizedBytes = parseNumberFlag('--oversized-bytes', flags.oversizedBytes, { min: 1, integer: true })
      if (flags.nestingDepth !== undefined) options.nestingDepth = parseNumberFlag('--nesting-depth', flags.nestingDepth, { min: 1, integer: true })
      if (flags.dirtyTableRows !== undefined) options.dirtyTableRows = parseNumberFlag('--dirty-table-rows', flags.dirtyTableRows, { min: 1, integer: true })
      // Fail on bad flags before touching any file.
      const { kinds, kindsPerRequest } = validateMutateOptions(options)
      createInputMutators(options)

      const input = await readTraffic(flags.in)
      const encoding = input.header.encoding as EncodingName
      if (!ENCODINGS.includes(encoding)) {
        throw new UserError('TRAFFIC_INVALID', `${flags.in}: header field "encoding" is "${input.header.encoding}", expected one of ${ENCODINGS.join(', ')}; regenerate the file`)
      }
      options.encoding = encoding
      const { requestCount: _count, spanMs: _span, ...inputHeader } = input.header
      const header: Omit<TrafficHeader, 'requestCount' | 'spanMs'> = {
        ...inputHeader,
        generator: 'gauntlet traffic mutate',
        generatorVersion: VERSION,
        source: `mutate:${input.header.source}`,
        createdAt: new Date().toISOString(),
        parameters: {
          rate: options.rate,
          kinds,
          seed: options.seed,
          kindsPerRequest,
          ...(options.contextTokens === undefined ? {} : { contextTokens: options.contextTokens }),
          ...(options.oversizedBytes === undefined ? {} : { oversizedBytes: options.oversizedBytes }),
          ...(options.nestingDepth === undefined ? {} : { nestingDepth: options.nestingDepth }),
          ...(options.dirtyTableRows === undefined ? {} : { dirtyTableRows: options.dirtyTableRows }),
          input: { source: input.header.source, seed: input.header.seed, parameters: input.header.parameters ?? null },
        },
      }
      const mutate = createTrafficMutator(options)
      const writer = createTrafficWriter(flags.out, header)
      let total = 0
      let mutated = 0
      const byKind = new Map<string, number>()
      try {
        for await (const request of input.requests) {
          const out = mutate(request)
          await writer.write(out)
          total++
          // Only the kinds this run added: an input that was already mutated keeps its own tags.
          const before = new Set(malformedKinds(request.tags))
          const added = malformedKinds(out.tags).filter((kind) => !before.has(kind))
          if (added.length > 0) mutated++
          for (const kind of added) byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
        }
      } catch (error) {
        // A bad input line: no output file that looks whole is left behind.
        await writer.discard()
        throw error
      }
      await writer.close()
      const share = total === 0 ? 0 : (100 * mutated) / total
      const lines = [`traffic mutate: ${mutated} of ${total} requests mutated (${share.toFixed(1)} %, rate ${options.rate}, seed ${options.seed}) -> ${flags.out}`]
      for (const kind of kinds) lines.push(`  ${kind.padEnd(24)} ${byKind.get(kind) ?? 0}`)
      process.stdout.write(`${lines.join('\n')}\n`)
      setExitCode(EXIT_OK)
    })
}
