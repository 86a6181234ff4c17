export { CatalogModule } from './catalog.module.js';
export { normalizeSearch, searchTextOf, ingredientsKeyOf } from './catalog.text.js';
