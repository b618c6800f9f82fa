// Numbers as the comparison's prose writes them.

export function formatWhole(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}
