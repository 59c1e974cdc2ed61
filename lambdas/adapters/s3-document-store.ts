/**
 * DocumentStore on the private documents bucket: presigned POSTs whose policy pins the key, the size range and the
 * content type (S3 enforces them), short-lived download URLs, and object inspection for document-received.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DocumentStore } from '../ports/index.ts';

export const createS3Client = () =>
  new S3Client({
    // Path-style addressing is configuration (S3_FORCE_PATH_STYLE), set for the local emulator; never a code branch.
    forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });

const HEAD_BYTES = 16;

export const createS3DocumentStore = (
  bucket: string,
  client: S3Client = createS3Client(),
): DocumentStore => ({
  async presignUpload(key, { maxBytes, contentType, expiresInSeconds }) {
    const { url, fields } = await createPresignedPost(client, {
      Bucket: bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 1, maxBytes],
        ['eq', '$Content-Type', contentType],
      ],
      Fields: { 'Content-Type': contentType },
      Expires: expiresInSeconds,
    });
    return { url, fields, maxBytes, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
  },

  async inspect(key) {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      let head = new Uint8Array(0);
      let size = 0;
      for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
        if (head.length < HEAD_BYTES) {
          head = new Uint8Array([...head, ...chunk.subarray(0, HEAD_BYTES - head.length)]);
        }
        size += chunk.length;
        hash.update(chunk);
      }
      return { head, sha256: hash.digest('hex'), sizeBytes: size, contentType: object.ContentType ?? '' };
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  },

  async put(key, body, contentType) {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  },

  async get(key) {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await object.Body?.transformToByteArray();
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  },

  async deletePrefix(prefix) {
    let deleted = 0;
    for (;;) {
      const page = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((v) => v.Key)
        .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
      if (objects.length === 0) return deleted;
      const result = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      if (result.Errors?.length)
        throw new Error(`${result.Errors.length} objects under the prefix could not be deleted`);
      deleted += objects.length;
    }
  },

  async delete(key) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  },

  downloadUrl: (key, expiresInSeconds) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds }),
});
