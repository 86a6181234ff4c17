import { Body, Controller, Delete, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { CONFIG, type Config } from '../../config/index.js';
import { Can, CurrentActor, type UserActor } from '../../kernel/auth/index.js';
import { AppError } from '../../kernel/errors/index.js';
import { Idempotent, ReqMeta, Route, type RequestMeta } from '../../kernel/http/index.js';
import { AcceptsCsv } from '../../kernel/http/fastify-setup.js';
import { REQUIRED_COLUMNS } from './catalog.csv.js';
import {
  categoryView,
  createCategoryBody,
  createProductBody,
  idParam,
  importReport,
  productView,
  updateCategoryBody,
  updateProductBody,
} from './catalog.dto.js';
import { CategoriesService } from './categories.service.js';
import { ProductImportService } from './product-import.service.js';
import { ProductsService } from './products.service.js';

const IMPORT_DOC = `CSV (UTF-8, comma-separated, RFC 4180 quoting) with a header row naming the columns in any order:
${REQUIRED_COLUMNS.map((c) => `\`${c}\``).join(', ')}, and \`categoryId\` or \`category\` (English or Arabic name, or
id); optional \`active\`, \`images\`. \`ingredients\`: \`Amoxicillin 875 mg; Clavulanic acid 125 mg\` (each name
followed by its strength). \`priceMinor\`: whole minor units. Booleans: true/false, yes/no, 1/0 (\`active\`
defaults to true). \`images\`: https URLs separated by \`;\`. Send the file as the \`text/csv\` body or as the
part \`file\` of a multipart form. Rows are upserted by barcode (unchanged rows are left alone); each invalid
row is reported with its line (the header is line 1) and reason and never stops the others. A file that is
not UTF-8 or not well-formed CSV is refused whole, before anything is written.`;

@ApiTags('admin: catalog')
@Controller('v1/admin')
export class CatalogAdminController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly categories: CategoriesService,
    private readonly products: ProductsService,
    private readonly importer: ProductImportService,
  ) {}

  @Can('catalog:write')
  @Post('categories')
  @Route({
    summary: 'Create a category (under a parent, or at the root)',
    auth: { permission: 'catalog:write' },
    status: 201,
    response: categoryView,
  })
  createCategory(
    @Body({ schema: createCategoryBody }) body: z.infer<typeof createCategoryBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.categories.create(actor, body, meta);
  }

  @Can('catalog:write')
  @Patch('categories/:id')
  @Route({
    summary: 'Rename or move a category (`parentId: null` moves it to the root)',
    auth: { permission: 'catalog:write' },
    response: categoryView,
    errors: [404, 409],
  })
  updateCategory(
    @Param('id', { schema: idParam }) id: string,
    @Body({ schema: updateCategoryBody }) body: z.infer<typeof updateCategoryBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.categories.update(actor, id, body, meta);
  }

  @Can('catalog:write')
  @Post('products')
  @Idempotent()
  @Route({
    summary: 'Create a product',
    description: 'The barcode is a GTIN (8, 12, 13 or 14 digits, check digit verified) and unique.',
    auth: { permission: 'catalog:write' },
    status: 201,
    response: productView,
    errors: [409],
  })
  createProduct(
    @Body({ schema: createProductBody }) body: z.infer<typeof createProductBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.products.create(actor, body, meta);
  }

  @Can('catalog:write')
  @Post('products/import')
  @AcceptsCsv()
  @Route({
    summary: 'Import products from CSV (upsert by barcode) and report what happened to each row',
    description: IMPORT_DOC,
    auth: { permission: 'catalog:write' },
    response: importReport,
    errors: [413, 415],
  })
  // Below @Route: swagger merges operation metadata, and the body is documented per content type here.
  @ApiOperation({
    requestBody: {
      required: true,
      content: {
        'text/csv': { schema: { type: 'string', description: 'The CSV file as the request body' } },
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'The CSV file' } },
          },
        },
      },
    },
  })
  async importProducts(@Req() req: FastifyRequest, @CurrentActor() actor: UserActor, @ReqMeta() meta: RequestMeta) {
    return this.importer.import(actor, await importFile(req, this.config.http.importLimit), meta);
  }

  @Can('catalog:write')
  @Patch('products/:id')
  @Route({
    summary: 'Update a product (bumps its version; send `version` to refuse a stale write with 409)',
    auth: { permission: 'catalog:write' },
    response: productView,
    errors: [404, 409],
  })
  updateProduct(
    @Param('id', { schema: idParam }) id: string,
    @Body({ schema: updateProductBody }) body: z.infer<typeof updateProductBody>,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.products.update(actor, id, body, meta);
  }

  @Can('catalog:write')
  @Delete('products/:id')
  @Route({
    summary: 'Deactivate a product (soft delete: it leaves the public catalog, orders keep naming it)',
    auth: { permission: 'catalog:write' },
    response: productView,
    errors: [404, 409],
  })
  deactivateProduct(
    @Param('id', { schema: idParam }) id: string,
    @CurrentActor() actor: UserActor,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.products.deactivate(actor, id, meta);
  }
}

/** The CSV bytes: the text/csv body (read by its own parser and limit), or the `file` part of a form. */
async function importFile(req: FastifyRequest, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (!req.isMultipart())
    throw new AppError(
      'unsupported_media',
      'common/unsupported-media-type',
      'Send the CSV as text/csv or multipart/form-data',
    );
  try {
    for await (const part of req.parts({ limits: { fileSize: limit, files: 1 } })) {
      if (part.type === 'file' && part.fieldname === 'file') return await part.toBuffer();
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('too_large', 'catalog/import-too-large', 'The file is too large');
    if (err instanceof AppError || typeof (err as { statusCode?: unknown }).statusCode === 'number') throw err;
    throw new AppError('validation', 'catalog/import-malformed-form', 'The multipart body is malformed');
  }
  throw new AppError('validation', 'catalog/import-empty', 'No file was sent (a part named "file")');
}
