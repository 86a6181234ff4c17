/** Where file bytes live. Files are private: read back through short-lived signed URLs or an authorised route. */
export interface FileStorage {
  readonly driver: 'local' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  /** A URL the holder can GET until it expires; undefined when the API must serve the bytes itself. */
  signedUrl(key: string, ttlSeconds: number): Promise<string | undefined>;
}
export const FILE_STORAGE = Symbol('FILE_STORAGE');
