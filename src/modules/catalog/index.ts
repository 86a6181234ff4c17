export { CatalogModule } from './catalog.module.js';
export { normalizeSearch, searchTextOf, ingredientsKeyOf } from './catalog.text.js';
export { isValidGtin, gtinCheckDigit } from './catalog.rules.js';
export { ProductsService, productNotFound, type PricingProduct } from './products.service.js';
export { productView, type ProductView } from './catalog.dto.js';
export type { Ingredient } from './catalog.tables.js';
export { CatalogMessages } from './catalog.errors.js';
