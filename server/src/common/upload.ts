/**
 * A file sent as the raw request body (Content-Type application/octet-stream, application/zip,
 * application/geo+json…), read up to the size limit. A small application/json body has already
 * been parsed by the app's JSON parser and is taken as it is.
 */
import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { MAX_MAP_FILE_BYTES } from '@tiendo/shared';
import type { Request } from 'express';

export interface Upload {
  bytes: Uint8Array;
  fileName: string;
}

export async function readUpload(request: Request, fileName: string | undefined): Promise<Upload> {
  const name = fileName?.trim() || 'upload';
  if (/^multipart\//i.test(request.headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeException('body: send the file itself as the body (Content-Type: application/octet-stream), not a form');
  }
  if (request.body !== undefined) return { bytes: Buffer.from(JSON.stringify(request.body)), fileName: name };
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so that the client gets the answer, not a broken pipe.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_MAP_FILE_BYTES) chunks.push(chunk);
  }
  if (size > MAX_MAP_FILE_BYTES) throw new PayloadTooLargeException(`file: larger than the limit of ${MAX_MAP_FILE_BYTES / 1024 / 1024} MB`);
  return { bytes: Buffer.concat(chunks), fileName: name };
}
