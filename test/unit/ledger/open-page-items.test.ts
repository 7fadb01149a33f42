/**
 * The head's open page as stored (functions/adapters/ledger/items.ts): it round-trips through the
 * head item, a head of the layout before it reads as an empty open page after its sequence, and the
 * page that seals it begins with its entries verbatim under its first sequence.
 */
import { describe, expect, it } from "vitest";
import {
  appendToOpenPage,
  emptyOpenPage,
  type FundHead,
  headItemBytes,
  headToItem,
  itemBytes,
  itemToHead,
  itemToPage,
  openBytesOf,
  openPageToStored,
  sealedPageItem,
} from "#adapters/ledger/items.ts";
import {
  canonicalEncoding,
  chainEntry,
  EMPTY_BALANCES,
  GENESIS_HASH,
  parseLedgerEntry,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

const FUND = "township-open-page";

/** Two chained entries: an allocation of ¥500 and a draw of ¥100, as the writer makes them. */
function twoEntries() {
  const alloc = chainEntry(
    parseLedgerEntry({
      entryId: "alloc",
      fundId: FUND,
      kind: "allocation",
      amountYuan: "500",
      bookedAt: "2026-12-07T08:00:00.000Z",
    }),
    1,
    GENESIS_HASH,
    { ...EMPTY_BALANCES, quota: Yuan.parse("500"), balance: Yuan.parse("500") },
  );
  const pay = chainEntry(
    parseLedgerEntry({
      entryId: "pay-1",
      fundId: FUND,
      kind: "draw",
      drawKind: "advance",
      amountYuan: "100",
      bookedAt: "2026-12-07T09:00:00.000Z",
      reference: { caseId: "c1", paymentId: "p1", flow: "A" },
    }),
    2,
    alloc.entryHash,
    { ...alloc.after, balance: Yuan.parse("400") },
  );
  return [alloc, pay];
}

function headWith(entries: ReturnType<typeof twoEntries>): FundHead {
  const last = entries.at(-1) as (typeof entries)[number];
  const texts = entries.map((e) => canonicalEncoding(e));
  return {
    fundId: FUND,
    sequence: last.sequence,
    revision: 2,
    headHash: last.entryHash,
    balances: last.after,
    alertState: "armed",
    open: {
      first: 1,
      texts,
      hashes: entries.map((e) => e.entryHash).join(""),
      claims: entries.map((e, i) => ({ entryId: e.entryId, submissionToken: `t${i}` })),
      bytes: openBytesOf(texts),
    },
  };
}

describe("the head's open page", () => {
  it("round-trips through the head item: texts, hashes, claims and size", () => {
    const head = headWith(twoEntries());

    const read = itemToHead(headToItem(head));

    expect(read.open).toEqual(head.open);
    expect(headItemBytes(head)).toBe(itemBytes(headToItem(head)));
    expect(read.balances.balance.toString()).toBe("400.00");
  });

  it("its size in the head is counted as DynamoDB counts the item, for a page appended to and any head attributes", () => {
    const [alloc, pay] = twoEntries() as [ReturnType<typeof twoEntries>[0], ReturnType<typeof twoEntries>[1]];
    const whole = headWith([alloc, pay]);
    const one = headWith([alloc]);
    // The page as a write that appends the draw leaves it: its size carried on from the page before.
    const appended = appendToOpenPage(one.open, [canonicalEncoding(pay)], pay.entryHash, [
      { entryId: pay.entryId, submissionToken: "t1" },
    ]);
    const heads: FundHead[] = [
      whole,
      { ...whole, open: appended },
      {
        ...whole,
        open: appendToOpenPage(emptyOpenPage(0), whole.open.texts, whole.open.hashes, whole.open.claims),
      },
      { ...whole, alertPercent: "20", closedThrough: "2026-12-01T00:00:00.000Z", revision: 123_456_789 },
      { ...whole, fundId: "乡镇-备用金", open: emptyOpenPage(2), sequence: 10_000_000_000 },
    ];

    expect(appended).toEqual(whole.open);
    for (const head of heads) expect(headItemBytes(head)).toBe(itemBytes(headToItem(head)));
  });

  it("an empty open page writes only openFirst; a head without it reads as empty after its sequence", () => {
    const head = { ...headWith(twoEntries()), open: emptyOpenPage(2) };
    const item = headToItem(head);
    const { openFirst: _absent, ...older } = item;

    expect(Object.keys(item).filter((k) => k.startsWith("open"))).toEqual(["openFirst"]);
    expect(itemToHead(item).open).toEqual(emptyOpenPage(2));
    expect(itemToHead(older).open).toEqual({ first: 3, texts: [], hashes: "", claims: [], bytes: 0 });
  });

  it("the page that seals it is keyed by its first sequence and begins with its entries verbatim", () => {
    const [alloc, pay] = twoEntries() as [ReturnType<typeof twoEntries>[0], ReturnType<typeof twoEntries>[1]];
    const open = openPageToStored(headWith([alloc]).open).entries.map((e) => ({
      text: e.text,
      hash: e.storedHash,
      bookedAt: alloc.bookedAt,
    }));

    const item = sealedPageItem(
      FUND,
      open,
      [{ text: canonicalEncoding(pay), hash: pay.entryHash, bookedAt: pay.bookedAt }],
      1,
    );
    const page = itemToPage(item);

    expect(item.sk?.S).toBe("PAGE#000000000001");
    expect(page.entries.map((e) => [e.sequence, e.text, e.storedHash])).toEqual([
      [1, canonicalEncoding(alloc), alloc.entryHash],
      [2, canonicalEncoding(pay), pay.entryHash],
    ]);
    expect([item.minBookedAt?.S, item.maxBookedAt?.S]).toEqual([alloc.bookedAt, pay.bookedAt]);
  });
});
