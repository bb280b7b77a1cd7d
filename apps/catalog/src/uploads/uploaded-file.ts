import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '#atlas/http';

/**
 * The one file of a multipart/form-data request, read into memory up to `maxBytes`. Anything
 * larger is refused with 413 as soon as the limit is crossed, without reading the rest.
 */
export async function readUploadedFile(
  request: FastifyRequest,
  maxBytes: number,
  tooLargeCode: string,
): Promise<{ bytes: Buffer; fileName: string }> {
  if (!request.isMultipart()) {
    throw new AppError(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      415,
      'Send the file as multipart/form-data, in a field named "file".',
    );
  }
  const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!part)
    throw badRequest(
      'UPLOAD.FILE_MISSING',
      'The request has no file: send it in a field named "file".',
    );
  try {
    return { bytes: await part.toBuffer(), fileName: part.filename };
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(tooLargeCode, 413, `The file is larger than ${maxBytes} bytes.`);
    }
    throw error;
  }
}
