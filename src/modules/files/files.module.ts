import { Module } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import { FILE_STORAGE } from './file-storage.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';
import { LocalFileStorage } from './local.storage.js';
import { S3FileStorage } from './s3.storage.js';

@Module({
  controllers: [FilesController],
  providers: [
    {
      provide: FILE_STORAGE,
      inject: [CONFIG],
      useFactory: (config: Config) => {
        const { s3 } = config.storage;
        // Config guarantees a bucket whenever the driver is s3.
        return config.storage.driver === 's3'
          ? new S3FileStorage({ ...s3, bucket: s3.bucket! })
          : new LocalFileStorage(config.dataDir);
      },
    },
    FilesRepository,
    FilesService,
  ],
  exports: [FilesService],
})
export class FilesModule {}
