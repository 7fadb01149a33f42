/**
 * A small streaming XLSX (Office Open XML spreadsheet) writer: sheets of text and number cells,
 * column widths, and one number format per column — all the finance exports need (DOMAIN §6).
 *
 * Why not exceljs: it and its dependencies are ~1 MiB of minified code, more than the whole 1 MiB
 * cold-start budget of a Lambda bundle, for a feature (writing a workbook) that is a zip of a few
 * XML files. The zip is written with data descriptors, so entries stream without knowing their
 * sizes in advance; deflate and CRC-32 come from `node:zlib`. Tests read the result back with
 * exceljs, a real spreadsheet reader.
 */
import type { Writable } from "node:stream";
import { crc32, createDeflateRaw } from "node:zlib";

export interface XlsxColumn {
  header: string;
  /** Width in characters. */
  width: number;
  /** Built-in number format "0.00" for the column's number cells (amounts). */
  amount?: boolean;
}

export type XlsxCell = string | number;

/** The built-in number format 2 of SpreadsheetML is "0.00"; cell style 1 uses it. */
const AMOUNT_STYLE = 1;
/** Rows are handed to deflate in chunks of about this many characters. */
const FLUSH_CHARS = 64 * 1024;
const ZIP_LIMIT = 0xffff_ffff;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";

/** XML-escapes text and drops the control characters XML 1.0 cannot carry. */
export function xmlText(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly those characters
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

/** A1-style column letters of a 0-based column index. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

interface ZipRecord {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Sequential zip writer: one entry open at a time, deflated, sizes in a trailing data descriptor. */
class ZipStream {
  private offset = 0;
  private readonly records: ZipRecord[] = [];

  constructor(private readonly out: Writable) {}

  private async emit(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once("drain", resolve));
  }

  /** Writes one entry; `produce` feeds its uncompressed text through `write`. */
  async entry(
    name: string,
    produce: (write: (text: string) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const nameBytes = Buffer.from(name, "utf8");
    const record: ZipRecord = { name: nameBytes, crc: 0, compressed: 0, size: 0, offset: this.offset };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: deflate
    header.writeUInt16LE(0x0808, 6); // bit 3: sizes follow in a data descriptor; bit 11: UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(nameBytes.length, 26);
    await this.emit(Buffer.concat([header, nameBytes]));

    const deflate = createDeflateRaw();
    const pending: Buffer[] = [];
    deflate.on("data", (chunk: Buffer) => pending.push(chunk));
    const drainDeflate = async () => {
      while (pending.length > 0) {
        const chunk = pending.shift() as Buffer;
        record.compressed += chunk.length;
        await this.emit(chunk);
      }
    };
    const write = async (text: string) => {
      const bytes = Buffer.from(text, "utf8");
      record.crc = crc32(bytes, record.crc);
      record.size += bytes.length;
      await new Promise<void>((resolve, reject) =>
        deflate.write(bytes, (error) => (error ? reject(error) : resolve())),
      );
      await drainDeflate();
    };
    await produce(write);
    await new Promise<void>((resolve, reject) => {
      deflate.once("end", resolve).once("error", reject);
      deflate.end();
    });
    await drainDeflate();
    if (record.size > ZIP_LIMIT || this.offset > ZIP_LIMIT) throw new Error(`xlsx: ${name} exceeds 4 GiB`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(record.crc >>> 0, 4);
    descriptor.writeUInt32LE(record.compressed, 8);
    descriptor.writeUInt32LE(record.size, 12);
    await this.emit(descriptor);
    this.records.push(record);
  }

  /** The central directory and its end record. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const r of this.records) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(0x0808, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt32LE(r.crc >>> 0, 16);
      header.writeUInt32LE(r.compressed, 20);
      header.writeUInt32LE(r.size, 24);
      header.writeUInt16LE(r.name.length, 28);
      header.writeUInt32LE(r.offset, 42);
      await this.emit(Buffer.concat([header, r.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.records.length, 8);
    end.writeUInt16LE(this.records.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.emit(end);
  }
}

/** One worksheet being written; rows go out as they are added. */
export interface XlsxSheet {
  addRow(cells: readonly XlsxCell[]): Promise<void>;
}

/**
 * Writes a workbook to `out`, sheet after sheet. The header row is the columns' headers; number
 * cells of an `amount` column get the format 0.00. `finish()` writes the rest and ends `out`.
 */
export class XlsxWriter {
  private readonly zip: ZipStream;
  private readonly sheets: string[] = [];
  private open = false;

  constructor(
    private readonly out: Writable,
    private readonly creator = "",
  ) {
    this.zip = new ZipStream(out);
  }

  /** Writes one sheet: `fill` adds its rows through the sheet it is given. */
  async sheet(name: string, columns: readonly XlsxColumn[], fill: (sheet: XlsxSheet) => Promise<void>) {
    if (this.open) throw new Error("xlsx: one sheet at a time");
    this.open = true;
    this.sheets.push(name);
    const amountAt = new Set(columns.flatMap((c, i) => (c.amount ? [i] : [])));
    await this.zip.entry(`xl/worksheets/sheet${this.sheets.length}.xml`, async (write) => {
      const cols = columns
        .map(
          (c, i) =>
            `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${amountAt.has(i) ? ` style="${AMOUNT_STYLE}"` : ""}/>`,
        )
        .join("");
      await write(`${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><cols>${cols}</cols><sheetData>`);
      let rowNumber = 0;
      let buffer = "";
      const rowXml = (cells: readonly XlsxCell[]) => {
        rowNumber += 1;
        const xml = cells
          .map((cell, i) => {
            const ref = `${columnLetters(i)}${rowNumber}`;
            const text = String(cell);
            if (typeof cell === "number" || (amountAt.has(i) && NUMBER_TEXT.test(text))) {
              if (!Number.isFinite(Number(text))) throw new Error(`xlsx: ${ref} is not a finite number`);
              return `<c r="${ref}"${amountAt.has(i) ? ` s="${AMOUNT_STYLE}"` : ""}><v>${text}</v></c>`;
            }
            return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(text)}</t></is></c>`;
          })
          .join("");
        return `<row r="${rowNumber}">${xml}</row>`;
      };
      buffer += rowXml(columns.map((c) => c.header));
      await fill({
        addRow: async (cells) => {
          buffer += rowXml(cells);
          if (buffer.length >= FLUSH_CHARS) {
            await write(buffer);
            buffer = "";
          }
        },
      });
      await write(`${buffer}</sheetData></worksheet>`);
    });
    this.open = false;
  }

  /** The package parts that list the sheets, then the zip directory. */
  async finish(): Promise<void> {
    const n = this.sheets.length;
    const sheetIds = this.sheets.map((_, i) => i + 1);
    await this.zip.entry("[Content_Types].xml", (write) =>
      write(
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          sheetIds
            .map(
              (id) =>
                `<Override PartName="/xl/worksheets/sheet${id}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
            )
            .join("") +
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
          "</Types>",
      ),
    );
    await this.zip.entry("_rels/.rels", (write) =>
      write(
        `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
          `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
          "</Relationships>",
      ),
    );
    await this.zip.entry("docProps/core.xml", (write) =>
      write(
        `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
          `<dc:creator>${xmlText(this.creator)}</dc:creator></cp:coreProperties>`,
      ),
    );
    await this.zip.entry("xl/workbook.xml", (write) =>
      write(
        `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
          this.sheets
            .map((name, i) => `<sheet name="${xmlText(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
            .join("") +
          "</sheets></workbook>",
      ),
    );
    await this.zip.entry("xl/_rels/workbook.xml.rels", (write) =>
      write(
        `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
          sheetIds
            .map(
              (id) =>
                `<Relationship Id="rId${id}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${id}.xml"/>`,
            )
            .join("") +
          `<Relationship Id="rId${n + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
      ),
    );
    await this.zip.entry("xl/styles.xml", (write) =>
      write(
        `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
          '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
      ),
    );
    await this.zip.finish();
    this.out.end();
  }
}
