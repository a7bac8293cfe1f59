// The MIME type comes from the bytes (file-type), never from a name, a URL or a server's Content-Type. Bytes
// file-type does not know are text when they are valid UTF-8 without NULs, else an opaque document.
import { fileTypeFromBuffer } from 'file-type';

export interface Sniffed {
  mime: string;
  ext: string;
}

export async function sniff(data: Uint8Array): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(data);
  if (found) return { mime: found.mime, ext: found.ext };
  const head = data.subarray(0, 64 * 1024);
  if (!head.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastCompleteChar(head)));
      return { mime: 'text/plain', ext: 'txt' };
    } catch {
      // Not text.
    }
  }
  return { mime: 'application/octet-stream', ext: 'bin' };
}

/** The head may end inside a multi-byte character; that alone does not make it binary. */
function lastCompleteChar(head: Uint8Array): number {
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = head[end - back]!;
    if ((byte & 0xc0) !== 0x80) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      if (need > back) end -= back;
      break;
    }
  }
  return end;
}
