import { AppError, defineMessages } from '../../kernel/errors/index.js';

/** The cart module's stable error codes (their en and ar messages below). */
export const CartErrors = {
  itemNotFound: () => AppError.notFound('cart/item-not-found', 'The product is not in your cart'),
  quantityLimit: (max: number) =>
    new AppError('validation', 'cart/quantity-limit', `At most ${max} of one product fit in a cart`, {
      errors: [{ field: 'quantity', code: 'too_big', message: `must be at most ${max}` }],
      max,
    }),
  tooManyLines: (max: number) =>
    AppError.conflict('cart/too-many-lines', `A cart holds at most ${max} different products`, { max }),
  totalTooLarge: () => AppError.conflict('cart/total-too-large', 'The cart is worth more than can be priced'),
};

/** What a person reads for each of the cart module's codes (problem+json `detail`, en and ar). */
export const CartMessages = defineMessages({
  'cart/item-not-found': { en: 'This product is not in your cart', ar: 'هذا المنتج غير موجود في سلة التسوق' },
  'cart/quantity-limit': {
    en: 'That is more of one product than a cart can hold',
    ar: 'هذه الكمية من المنتج الواحد أكبر مما تسمح به سلة التسوق',
  },
  'cart/too-many-lines': {
    en: 'Your cart holds as many different products as it can; remove one first',
    ar: 'وصلت سلة التسوق إلى الحد الأقصى من المنتجات المختلفة؛ احذف منتجاً أولاً',
  },
  'cart/total-too-large': {
    en: 'The cart is worth more than can be priced; lower a quantity',
    ar: 'قيمة سلة التسوق أكبر من الحد المسموح؛ قلّل إحدى الكميات',
  },
});
