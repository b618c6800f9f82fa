// deploy/k8s: the fields that make a segmented run correct. The Indexed Job's completions,
// parallelism and segment count agree; its shell command, run for real by `sh` with a stub
// `gauntlet`, gives pod k segment k+1/n and its own results folder; keys only via secretKeyRef.
import { execFile } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseSegment } from '../../../load/traffic-segment.js'
import { parseYamlDocuments, YamlSubsetError } from './yaml-subset.js'

const run = promisify(execFile)
const K8S = join(process.cwd(), 'deploy', 'k8s')

type Doc = Record<string, any>

async function manifest(name: string): Promise<Doc> {
  const docs = parseYamlDocuments(await readFile(join(K8S, name), 'utf8'))
  expect(docs).toHaveLength(1)
  return docs[0] as Doc
}

/** The argv `gauntlet` gets when the container's `sh -c` script runs with these variables. */
async function gauntletArgv(command: string[], env: Record<string, string>): Promise<string[]> {
  expect(command.slice(0, 2)).toEqual(['sh', '-c'])
  const script = command[2] as string
  // A shell function named gauntlet shadows the binary and prints its arguments, one per line.
  const stub = `gauntlet() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${script}`
  const { stdout } = await run('sh', ['-c', stub], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } })
  return stdout.split('\n').filter((line) => line !== '')
}

function envByName(container: Doc): Map<string, Doc> {
  return new Map((container['env'] as Doc[] | undefined ?? []).map((entry) => [entry['name'] as string, entry]))
}

describe('deploy/k8s manifests', () => {
  it('parse within the YAML subset, one object per file, each labelled', async () => {
    const files = (await readdir(K8S)).filter((name) => name.endsWith('.yaml'))
    expect(files.sort()).toEqual(['configmap.yaml', 'k6-testrun.yaml', 'loader-pod.yaml', 'merge-job.yaml', 'pvc.yaml', 'segments-job.yaml'])
    for (const file of files) {
      const doc = await manifest(file)
      expect(typeof doc['apiVersion']).toBe('string')
      expect(typeof doc['kind']).toBe('string')
      expect(doc['metadata']['labels']['app.kubernetes.io/name']).toBe('llm-gauntlet')
    }
  })

  it('segments: an Indexed Job whose completions = parallelism = the segment count', async () => {
    const job = await manifest('segments-job.yaml')
    expect(job['apiVersion']).toBe('batch/v1')
    expect(job['kind']).toBe('Job')
    const spec = job['spec']
    expect(spec['completionMode']).toBe('Indexed')
    const n = spec['completions'] as number
    expect(n).toBeGreaterThan(1)
    expect(spec['parallelism']).toBe(n)
    expect(spec['template']['spec']['restartPolicy']).toBe('Never')
    const container = spec['template']['spec']['containers'][0] as Doc
    expect(container['command'][2]).toContain('JOB_COMPLETION_INDEX')
    const seen: string[] = []
    for (let k = 0; k < n; k++) {
      const argv = await gauntletArgv(container['command'] as string[], {
        JOB_COMPLETION_INDEX: String(k),
        GAUNTLET_TARGET: 'openai:gpt-4o-mini',
        GAUNTLET_MAX_SPEND_USD: '5',
      })
      expect(argv[0]).toBe('run')
      const flag = (name: string): string | undefined => argv[argv.indexOf(name) + 1]
      expect(flag('--segment')).toBe(`${k + 1}/${n}`)
      expect(parseSegment(flag('--segment') as string)).toEqual({ index: k + 1, count: n })
      expect(flag('--out')).toBe(`/results/segment-${k}`)
      expect(flag('--traffic')).toBe('/data/traffic.jsonl')
      expect(flag('--target')).toBe('openai:gpt-4o-mini')
      expect(flag('--max-spend')).toBe('5')
      expect(argv).toContain('--yes')
      seen.push(flag('--segment') as string)
    }
    // Every segment exactly once.
    expect(new Set(seen).size).toBe(n)
  })

  it('segments and merge share the ReadWriteMany volume; merge reads every segment folder', async () => {
    const pvc = await manifest('pvc.yaml')
    expect(pvc['kind']).toBe('PersistentVolumeClaim')
    expect(pvc['spec']['accessModes']).toEqual(['ReadWriteMany'])
    const claim = pvc['metadata']['name'] as string
    const segments = (await manifest('segments-job.yaml'))['spec']['template']['spec']
    const merge = (await manifest('merge-job.yaml'))['spec']['template']['spec']
    for (const pod of [segments, merge]) expect(pod['volumes'][0]['persistentVolumeClaim']['claimName']).toBe(claim)
    const mounts = (pod: Doc) => Object.fromEntries((pod['containers'][0]['volumeMounts'] as Doc[]).map((m) => [m['mountPath'], m]))
    expect(mounts(segments)['/data']).toMatchObject({ subPath: 'data', readOnly: true })
    expect(mounts(segments)['/results']).toMatchObject({ subPath: 'results' })
    expect(mounts(merge)['/results']).toMatchObject({ subPath: 'results' })
    const argv = await gauntletArgv(merge['containers'][0]['command'] as string[], {})
    expect(argv).toEqual(['merge', '/results/segment-*', '--out', '/results/merged'])
  })

  it('keys reach pods only through secretKeyRef, settings through the ConfigMap', async () => {
    const config = await manifest('configmap.yaml')
    const configKeys = Object.keys(config['data'] as Doc)
    const testRun = await manifest('k6-testrun.yaml')
    const pods: Array<[string, Doc[]]> = [
      ['segments', (await manifest('segments-job.yaml'))['spec']['template']['spec']['containers'] as Doc[]],
      ['merge', (await manifest('merge-job.yaml'))['spec']['template']['spec']['containers'] as Doc[]],
      ['k6 runner', [testRun['spec']['runner'] as Doc]],
    ]
    let keyEntries = 0
    for (const [, containers] of pods) {
      for (const container of containers) {
        for (const [name, entry] of envByName(container)) {
          if (/_API_KEY$|TOKEN|SECRET/.test(name)) {
            keyEntries++
            expect(entry['value']).toBeUndefined()
            expect(entry['valueFrom']['secretKeyRef']).toMatchObject({ name: 'gauntlet-keys', key: name })
          }
          const fromConfig = entry['valueFrom']?.['configMapKeyRef']
          if (fromConfig !== undefined) {
            expect(fromConfig['name']).toBe(config['metadata']['name'])
            expect(configKeys).toContain(fromConfig['key'])
          }
        }
      }
    }
    expect(keyEntries).toBeGreaterThanOrEqual(5)
    // No literal key anywhere in the manifests.
    for (const file of await readdir(K8S)) {
      expect(await readFile(join(K8S, file), 'utf8')).not.toMatch(/sk-[A-Za-z0-9]{8,}|sk-ant-/)
    }
  })

  it('k6: a k6-operator TestRun with parallelism and the exported script from a ConfigMap', async () => {
    const testRun = await manifest('k6-testrun.yaml')
    expect(testRun['apiVersion']).toBe('k6.io/v1alpha1')
    expect(testRun['kind']).toBe('TestRun')
    expect(testRun['spec']['parallelism']).toBeGreaterThan(1)
    expect(testRun['spec']['script']).toEqual({ configMap: { name: 'gauntlet-k6-script', file: 'script.js' } })
    const env = envByName(testRun['spec']['runner'] as Doc)
    expect(env.get('GAUNTLET_SUMMARY')?.['value']).toContain('{host}')
    expect(testRun['spec']['runner']['volumeMounts'][0]['mountPath']).toBe('/results')
  })

  it('Dockerfile: node:20-slim, npm ci, build, the CLI on PATH', async () => {
    const dockerfile = await readFile(join(process.cwd(), 'deploy', 'Dockerfile'), 'utf8')
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m)
    expect(dockerfile).toMatch(/^RUN npm ci\b/m)
    expect(dockerfile).toMatch(/npm run build/)
    expect(dockerfile).toMatch(/ln -s \/app\/dist\/bin\/gauntlet\.js \/usr\/local\/bin\/gauntlet/)
    expect(dockerfile).toMatch(/^USER node$/m)
    const readme = await readFile(join(process.cwd(), 'deploy', 'README.md'), 'utf8')
    expect(readme).toContain('docker build -f deploy/Dockerfile')
  })
})

describe('yaml-subset parser', () => {
  it('reads the constructs the manifests use', () => {
    const [doc] = parseYamlDocuments(
      [
        '# comment',
        'a: 1',
        'b: "two # not a comment"',
        "c: 'it''s'",
        'd: [x, "y", 3]',
        'e:',
        '  - name: n # trailing comment',
        '    value: true',
        '  - plain',
        '  - |',
        '    line one',
        '      indented',
        'f: |-',
        '  kept # inside',
        'g:',
        '- same-indent item',
        'h: null',
      ].join('\n'),
    )
    expect(doc).toEqual({
      a: 1,
      b: 'two # not a comment',
      c: "it's",
      d: ['x', 'y', 3],
      e: [{ name: 'n', value: true }, 'plain', 'line one\n  indented\n'],
      f: 'kept # inside',
      g: ['same-indent item'],
      h: null,
    })
  })
  it('splits documents on ---', () => {
    expect(parseYamlDocuments('a: 1\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }])
  })
  const outside: Array<[string, string]> = [
    ['anchors', 'a: &x 1'],
    ['flow maps', 'a: {b: 1}'],
    ['folded scalars', 'a: >\n  text'],
    ['tabs', 'a:\n\tb: 1'],
    ['duplicate keys', 'a: 1\na: 2'],
    ['bad indentation', 'a: 1\n   b: 2'],
  ]
  for (const [name, text] of outside) {
    it(`rejects ${name}`, () => {
      expect(() => parseYamlDocuments(text)).toThrow(YamlSubsetError)
    })
  }
})
