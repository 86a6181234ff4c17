/**
 * The demo catalogue: real-looking Egyptian pharmacy items (prices in piastres, EGP minor units), three
 * branches and their stock. Ids are fixed UUIDv7-shaped literals so the seed is idempotent and the README
 * can name them.
 */

const id = (kind: string, n: number) => `019a0000-de00-7${kind}-8000-${String(n).padStart(12, '0')}`;

export const DEMO_CATEGORY = {
  pain: id('c00', 1),
  antibiotics: id('c00', 2),
  coldFlu: id('c00', 3),
  vitamins: id('c00', 4),
  digestive: id('c00', 5),
  chronic: id('c00', 6),
  diabetes: id('c00', 7),
  heart: id('c00', 8),
  skin: id('c00', 9),
  baby: id('c00', 10),
} as const;

export const DEMO_CATEGORIES: { id: string; parentId: string | null; nameEn: string; nameAr: string }[] = [
  { id: DEMO_CATEGORY.pain, parentId: null, nameEn: 'Pain & Fever', nameAr: 'المسكنات وخافضات الحرارة' },
  { id: DEMO_CATEGORY.antibiotics, parentId: null, nameEn: 'Antibiotics', nameAr: 'المضادات الحيوية' },
  { id: DEMO_CATEGORY.coldFlu, parentId: null, nameEn: 'Cold & Flu', nameAr: 'البرد والإنفلونزا' },
  { id: DEMO_CATEGORY.vitamins, parentId: null, nameEn: 'Vitamins & Supplements', nameAr: 'الفيتامينات والمكملات' },
  { id: DEMO_CATEGORY.digestive, parentId: null, nameEn: 'Digestive Health', nameAr: 'صحة الجهاز الهضمي' },
  { id: DEMO_CATEGORY.chronic, parentId: null, nameEn: 'Chronic Care', nameAr: 'الأمراض المزمنة' },
  { id: DEMO_CATEGORY.diabetes, parentId: DEMO_CATEGORY.chronic, nameEn: 'Diabetes', nameAr: 'السكري' },
  {
    id: DEMO_CATEGORY.heart,
    parentId: DEMO_CATEGORY.chronic,
    nameEn: 'Heart & Blood Pressure',
    nameAr: 'القلب وضغط الدم',
  },
  { id: DEMO_CATEGORY.skin, parentId: null, nameEn: 'Skin Care', nameAr: 'العناية بالبشرة' },
  { id: DEMO_CATEGORY.baby, parentId: null, nameEn: 'Mother & Baby', nameAr: 'الأم والطفل' },
];

export interface DemoProduct {
  id: string;
  nameEn: string;
  nameAr: string;
  ingredients: { name: string; strength: string }[];
  form: string;
  packSize: string;
  manufacturer: string;
  /** GTIN-13 without its check digit (Egypt's GS1 prefix 622); the seed appends the check digit. */
  barcodeBody: string;
  categoryId: string;
  priceMinor: number;
  rxRequired?: boolean;
  controlled?: boolean;
}

const C = DEMO_CATEGORY;
const PARACETAMOL = [{ name: 'Paracetamol', strength: '500 mg' }];
const CO_AMOXICLAV = [
  { name: 'Amoxicillin', strength: '875 mg' },
  { name: 'Clavulanic acid', strength: '125 mg' },
];
const AZITHROMYCIN = [{ name: 'Azithromycin', strength: '500 mg' }];
const METFORMIN = [{ name: 'Metformin', strength: '1000 mg' }];
const AMLODIPINE = [{ name: 'Amlodipine', strength: '5 mg' }];

type Row = [
  nameEn: string,
  nameAr: string,
  ingredients: DemoProduct['ingredients'],
  form: string,
  packSize: string,
  manufacturer: string,
  categoryId: string,
  priceMinor: number,
  flags?: 'rx' | 'controlled',
];

// prettier-ignore
const ROWS: Row[] = [
  // Paracetamol 500 mg tablets: three generic equivalents.
  ['Panadol 500 mg', 'بنادول ٥٠٠ مجم', PARACETAMOL, 'tablet', '24 tablets', 'GSK', C.pain, 4500],
  ['Paramol 500 mg', 'بارامول ٥٠٠ مجم', PARACETAMOL, 'tablet', '20 tablets', 'Pharco', C.pain, 1800],
  ['Abimol 500 mg', 'أبيمول ٥٠٠ مجم', PARACETAMOL, 'tablet', '20 tablets', 'Amoun', C.pain, 1650],
  ['Brufen 400 mg', 'بروفين ٤٠٠ مجم', [{ name: 'Ibuprofen', strength: '400 mg' }], 'tablet', '30 tablets', 'Abbott', C.pain, 5200],
  ['Cataflam 50 mg', 'كتافلام ٥٠ مجم', [{ name: 'Diclofenac potassium', strength: '50 mg' }], 'tablet', '20 tablets', 'Novartis', C.pain, 6400],
  // Co-amoxiclav 1 g and azithromycin 500 mg: Rx-only, with generic equivalents.
  ['Augmentin 1 g', 'أوجمنتين ١ جم', CO_AMOXICLAV, 'tablet', '14 tablets', 'GSK', C.antibiotics, 11800, 'rx'],
  ['Hibiotic 1 g', 'هاي بيوتك ١ جم', CO_AMOXICLAV, 'tablet', '14 tablets', 'Amoun', C.antibiotics, 8600, 'rx'],
  ['Megamox 1 g', 'ميجاموكس ١ جم', CO_AMOXICLAV, 'tablet', '14 tablets', 'Pharco', C.antibiotics, 7900, 'rx'],
  ['Zithromax 500 mg', 'زيثروماكس ٥٠٠ مجم', AZITHROMYCIN, 'tablet', '3 tablets', 'Pfizer', C.antibiotics, 15500, 'rx'],
  ['Xithrone 500 mg', 'زيثرون ٥٠٠ مجم', AZITHROMYCIN, 'tablet', '3 tablets', 'Amoun', C.antibiotics, 6900, 'rx'],
  ['Ciprofar 500 mg', 'سيبروفار ٥٠٠ مجم', [{ name: 'Ciprofloxacin', strength: '500 mg' }], 'tablet', '10 tablets', 'Pharco', C.antibiotics, 5600, 'rx'],
  ['Comtrex', 'كومتركس', [{ name: 'Paracetamol', strength: '500 mg' }, { name: 'Pseudoephedrine', strength: '30 mg' }, { name: 'Chlorpheniramine', strength: '2 mg' }], 'tablet', '20 tablets', 'Bristol-Myers Squibb', C.coldFlu, 3600],
  ['Congestal', 'كونجستال', [{ name: 'Paracetamol', strength: '650 mg' }, { name: 'Pseudoephedrine', strength: '60 mg' }, { name: 'Chlorpheniramine', strength: '4 mg' }], 'tablet', '20 tablets', 'Sigma', C.coldFlu, 3300],
  ['Otrivin 0.1% nasal spray', 'أوتريفين ٠٫١٪ بخاخ للأنف', [{ name: 'Xylometazoline', strength: '0.1%' }], 'nasal spray', '10 ml', 'Haleon', C.coldFlu, 4900],
  ['Telfast 180 mg', 'تلفاست ١٨٠ مجم', [{ name: 'Fexofenadine', strength: '180 mg' }], 'tablet', '20 tablets', 'Sanofi', C.coldFlu, 9800],
  ['Centrum Adults', 'سنتروم للبالغين', [{ name: 'Multivitamins and minerals', strength: '1 tablet' }], 'tablet', '30 tablets', 'Haleon', C.vitamins, 32500],
  ['Redoxon 1000 mg', 'ريدوكسون ١٠٠٠ مجم', [{ name: 'Ascorbic acid', strength: '1000 mg' }], 'effervescent tablet', '10 tablets', 'Bayer', C.vitamins, 7500],
  ['Ossofortin D', 'أوسوفورتين د', [{ name: 'Calcium carbonate', strength: '600 mg' }, { name: 'Cholecalciferol', strength: '400 IU' }], 'tablet', '30 tablets', 'EIPICO', C.vitamins, 6200],
  ['Antinal 200 mg', 'أنتينال ٢٠٠ مجم', [{ name: 'Nifuroxazide', strength: '200 mg' }], 'capsule', '24 capsules', 'Amoun', C.digestive, 3900],
  ['Motilium 10 mg', 'موتيليوم ١٠ مجم', [{ name: 'Domperidone', strength: '10 mg' }], 'tablet', '30 tablets', 'Janssen', C.digestive, 5700],
  ['Controloc 40 mg', 'كنترولوك ٤٠ مجم', [{ name: 'Pantoprazole', strength: '40 mg' }], 'tablet', '14 tablets', 'Takeda', C.digestive, 10400, 'rx'],
  ['Nexium 40 mg', 'نيكسيوم ٤٠ مجم', [{ name: 'Esomeprazole', strength: '40 mg' }], 'tablet', '14 tablets', 'AstraZeneca', C.digestive, 15600, 'rx'],
  ['Glucophage 1000 mg', 'جلوكوفاج ١٠٠٠ مجم', METFORMIN, 'tablet', '30 tablets', 'Merck', C.diabetes, 5900, 'rx'],
  ['Cidophage 1000 mg', 'سيدوفاج ١٠٠٠ مجم', METFORMIN, 'tablet', '30 tablets', 'CID', C.diabetes, 3400, 'rx'],
  ['Concor 5 mg', 'كونكور ٥ مجم', [{ name: 'Bisoprolol', strength: '5 mg' }], 'tablet', '30 tablets', 'Merck', C.heart, 8700, 'rx'],
  ['Norvasc 5 mg', 'نورفاسك ٥ مجم', AMLODIPINE, 'tablet', '30 tablets', 'Pfizer', C.heart, 12900, 'rx'],
  ['Amlodipine EIPICO 5 mg', 'أملوديبين إيبيكو ٥ مجم', AMLODIPINE, 'tablet', '30 tablets', 'EIPICO', C.heart, 3800, 'rx'],
  // A controlled drug (psychotropic schedule): Rx-only and controlled.
  ['Xanax 0.5 mg', 'زاناكس ٠٫٥ مجم', [{ name: 'Alprazolam', strength: '0.5 mg' }], 'tablet', '30 tablets', 'Pfizer', C.chronic, 7200, 'controlled'],
  ['Fucidin 2% cream', 'فيوسيدين ٢٪ كريم', [{ name: 'Fusidic acid', strength: '2%' }], 'cream', '15 g', 'LEO Pharma', C.skin, 6800],
  ['Bepanthen ointment', 'بيبانثين مرهم', [{ name: 'Dexpanthenol', strength: '5%' }], 'ointment', '30 g', 'Bayer', C.baby, 9900],
  ['Sudocrem', 'سودوكريم', [{ name: 'Zinc oxide', strength: '15.25%' }], 'cream', '125 g', 'Teva', C.baby, 21500],
];

export const DEMO_PRODUCTS: DemoProduct[] = ROWS.map(
  ([nameEn, nameAr, ingredients, form, packSize, manufacturer, categoryId, priceMinor, flags], i) => ({
    id: id('a00', i + 1),
    nameEn,
    nameAr,
    ingredients,
    form,
    packSize,
    manufacturer,
    barcodeBody: `622100${String(i + 1).padStart(6, '0')}`,
    categoryId,
    priceMinor,
    rxRequired: flags !== undefined,
    controlled: flags === 'controlled',
  }),
);

export const DEMO_BRANCH = {
  cairo: id('b00', 1),
  giza: id('b00', 2),
  alexandria: id('b00', 3),
} as const;

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
/** Saturday to Thursday 09:00-23:00, Friday (the weekend) from 13:00. */
const USUAL_HOURS = [
  ...[0, 1, 2, 3, 4, 6].map((day) => ({ day, opens: '09:00', closes: '23:00' })),
  { day: 5, opens: '13:00', closes: '23:00' },
];

export const DEMO_BRANCHES = [
  {
    id: DEMO_BRANCH.cairo,
    nameEn: 'Medyour Downtown Cairo (24h)',
    nameAr: 'ميديور وسط البلد - القاهرة (٢٤ ساعة)',
    address: '26 Talaat Harb St, Downtown, Cairo',
    lat: 30.0478,
    lng: 31.2422,
    phone: '+20223950000',
    deliveryRadiusKm: 8,
    openingHours: EVERY_DAY.map((day) => ({ day, opens: '00:00', closes: '24:00' })),
  },
  {
    id: DEMO_BRANCH.giza,
    nameEn: 'Medyour Dokki, Giza',
    nameAr: 'ميديور الدقي - الجيزة',
    address: '12 Mossadak St, Dokki, Giza',
    lat: 30.0385,
    lng: 31.2118,
    phone: '+20233370000',
    deliveryRadiusKm: 6,
    openingHours: USUAL_HOURS,
  },
  {
    id: DEMO_BRANCH.alexandria,
    nameEn: 'Medyour Smouha, Alexandria',
    nameAr: 'ميديور سموحة - الإسكندرية',
    address: '45 Victor Emmanuel Sq, Smouha, Alexandria',
    lat: 31.2156,
    lng: 29.9553,
    phone: '+2034240000',
    deliveryRadiusKm: 7,
    openingHours: USUAL_HOURS,
  },
].map((b) => ({ ...b, timeZone: 'Africa/Cairo' }));

export const DEMO_OFFER = {
  id: id('0f0', 1),
  nameEn: 'Vitamin week: 15% off vitamins & supplements',
  nameAr: 'أسبوع الفيتامينات: خصم ١٥٪ على الفيتامينات والمكملات',
  kind: 'percentage' as const,
  value: 15,
  scope: 'category' as const,
  categoryId: DEMO_CATEGORY.vitamins,
  minCartMinor: 10000,
  perCustomerLimit: 2,
};

export const demoLotId = (n: number) => id('100', n);
export const demoMovementId = (n: number) => id('200', n);
