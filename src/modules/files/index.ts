export { FilesModule } from './files.module.js';
export { FilesService } from './files.service.js';
export type { FileStorage } from './file-storage.js';
export { LocalFileStorage } from './local.storage.js';
export { S3FileStorage } from './s3.storage.js';
export { FilesMessages } from './files.errors.js';
export { UploadForm, readUpload } from './files.form.js';
export type { FileView } from './files.dto.js';
export { fileView } from './files.dto.js';
