// Text for `extract-table`: messy invoice or shipment rows (mixed dates, typos, duplicates) to turn into JSON.
import type { LineSpec, TaskText } from './types.js'
import { CITIES, FILLER_WORDS, range } from './vocabulary.js'

const MESSY_DATES = [
  '2024-03-04', '03/04/2024', '4 Mar 2024', '2024/3/4', 'March 4th, 2024', '04.03.24', 'n/a', '2024-13-01', '12/31/2023',
  '31/12/2023', '2023-12-31T23:59', 'Jan 15 2024', '15-01-2024', '2024-02-30', 'tbc', '2024-06-01',
]
const VENDORS = [
  'Acme Corp', 'ACME Corporation', 'acme corp', 'Northwind Traders', 'Nortwind Traders Ltd', 'Contoso GmbH', 'Contoso Gmbh',
  'Fabrikam Inc', 'Fabrikam, Inc', 'Tailspin Toys', 'Tailspin  Toys', 'Litware', 'LITWARE PLC', 'Adatum', 'Woodgrove Bank',
]

const INVOICE_IDS = range(4100, 4299)
const INVOICE_ROW = 'INV-<<inv>> | <<date>> | <<vendor>> | <<money>> | <<currency>> | <<status>>\n'
const SHIPMENT_ROW = 'SHP-<<inv>> | <<date>> | <<city>> | <<city>> | <<weight>> | <<carrier>>\n'

export const invoicesText: TaskText = {
  vocab: {
    inv: INVOICE_IDS, date: MESSY_DATES, vendor: VENDORS,
    money: ['1,250.00', '1250', 'EUR 980.50', '1.250,00', '$3,400', '-', '12 500', '980.5', '0', '-45.00', '7,000,000', '199.99', '1 234,56', 'N/A'],
    currency: ['EUR', 'USD', 'usd', 'GBP', 'eur', '-', 'CHF', 'E'],
    status: ['paid', 'PAID', 'Paid', 'overdue', 'open', 'disputed', 'pending approval', 'Pd', 'cancelled', 'unknown'],
  },
  intros: [
    [
      'Extract every row of the invoice table below as JSON matching the schema: invoice_id, date as YYYY-MM-DD, vendor, amount as a number, currency and status. Fix obvious typos and use null for missing values.\n',
      'Invoice No | Date | Vendor | Amount | Curr | Status\n',
    ],
  ],
  closings: [['Return only the JSON, with one object per row.\n'], ['Return only JSON. Keep duplicate rows and mark nothing as invented.\n']],
  body: (random) => () => {
    // Messy exports repeat an invoice number with conflicting fields now and then.
    const line: LineSpec = { template: INVOICE_ROW, bindings: { inv: random.pick(INVOICE_IDS) } }
    return random.chance(0.08) ? [line, line] : [line]
  },
  templates: [INVOICE_ROW],
  fillLines: [INVOICE_ROW],
  filler: { prefix: 'Comment:', suffix: '\n', words: FILLER_WORDS },
  tinyStarts: ['Extract', 'Parse', 'Convert'],
}

export const shipmentsText: TaskText = {
  vocab: {
    inv: range(4100, 4299), date: MESSY_DATES, city: [...CITIES, 'Londn', 'Frankfrut', 'amsterdam', 'SINGAPORE', 'Zuerich', 'NYC'],
    weight: ['12.5', '12,5', '1 200', '1200 kg', '0.8 t', '350 lbs', '-', '7', '88.25', '2,400.0', '??'],
    carrier: ['DHL', 'DHL Express', 'dhl', 'FedEx', 'Fed Ex', 'UPS', 'Maersk', 'MAERSK LINE', 'Kuehne Nagel', 'unknown'],
  },
  intros: [
    [
      'Extract each shipment row below as JSON matching the schema: shipment_id, ship_date as YYYY-MM-DD, origin, destination, weight_kg as a number and carrier. Correct misspelt city names and use null for unknown values.\n',
      'Shipment | Shipped | From | To | Weight | Carrier\n',
    ],
  ],
  closings: [['Return only the JSON, with one object per row.\n']],
  body: () => () => [{ template: SHIPMENT_ROW }],
  templates: [SHIPMENT_ROW],
  fillLines: [SHIPMENT_ROW],
  filler: { prefix: 'Comment:', suffix: '\n', words: FILLER_WORDS },
  tinyStarts: ['Extract', 'Parse', 'Convert'],
}
