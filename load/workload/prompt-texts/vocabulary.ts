// Words and numbers more than one task's text draws on: the filler words that pad the last few
// tokens, shared slot vocabularies, and `range` for numeric slots.

export const FILLER_WORDS = [
  'please', 'check', 'the', 'renewal', 'date', 'with', 'legal', 'before', 'we', 'sign', 'and', 'flag', 'any',
  'open', 'points', 'for', 'finance', 'to', 'review', 'this', 'week', 'so', 'team', 'can', 'plan', 'next', 'steps',
]

export const DAYS = ['5', '7', '10', '14', '15', '30', '45', '60', '90']
export const PERCENTS = ['1.5', '2', '3', '4', '5', '8', '10']
export const AMOUNTS = ['EUR 250,000', 'USD 1,000,000', 'GBP 500,000', 'EUR 2,000,000', 'USD 750,000', 'CHF 300,000', 'USD 5,000', 'EUR 1,200']
export const CITIES = ['London', 'Frankfurt', 'Amsterdam', 'Dublin', 'Singapore', 'New York', 'Zurich', 'Toronto', 'Madrid', 'Bangalore']
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
export const COUNTS = ['3', '4', '5', '8', '12', '15', '20', '25', '40', '60']

export function range(from: number, to: number, pad = 0): string[] {
  const values: string[] = []
  for (let i = from; i <= to; i++) values.push(String(i).padStart(pad, '0'))
  return values
}
