/**
 * Word lists for the bench data: generic ingredients with their usual strengths and forms, and brand-name
 * syllables in English with their Arabic spelling, so generated names read like a pharmacy's shelf in both
 * languages ("Cipromax 500 mg" / "سيبروماكس ٥٠٠ مجم").
 */

export interface Generic {
  name: string;
  strengths: string[];
  forms: string[];
  /** Index into CATEGORY_ROOTS. */
  category: number;
  rx: boolean;
  controlled?: boolean;
}

export const CATEGORY_ROOTS: [en: string, ar: string, children: [string, string][]][] = [
  [
    'Pain & Fever',
    'المسكنات وخافضات الحرارة',
    [
      ['Headache', 'الصداع'],
      ['Muscle & Joint', 'العضلات والمفاصل'],
      ['Children', 'الأطفال'],
    ],
  ],
  [
    'Antibiotics',
    'المضادات الحيوية',
    [
      ['Penicillins', 'البنسلينات'],
      ['Macrolides', 'الماكروليدات'],
      ['Quinolones', 'الكينولونات'],
      ['Cephalosporins', 'السيفالوسبورينات'],
    ],
  ],
  [
    'Cold & Flu',
    'البرد والإنفلونزا',
    [
      ['Decongestants', 'مزيلات الاحتقان'],
      ['Cough', 'الكحة'],
      ['Allergy', 'الحساسية'],
    ],
  ],
  [
    'Vitamins & Supplements',
    'الفيتامينات والمكملات',
    [
      ['Multivitamins', 'الفيتامينات المتعددة'],
      ['Minerals', 'المعادن'],
      ['Omega & Herbal', 'أوميجا والأعشاب'],
    ],
  ],
  [
    'Digestive Health',
    'صحة الجهاز الهضمي',
    [
      ['Acidity', 'الحموضة'],
      ['Diarrhoea', 'الإسهال'],
      ['Constipation', 'الإمساك'],
    ],
  ],
  [
    'Diabetes',
    'السكري',
    [
      ['Tablets', 'الأقراص'],
      ['Insulin', 'الإنسولين'],
      ['Testing', 'أجهزة القياس'],
    ],
  ],
  [
    'Heart & Blood Pressure',
    'القلب وضغط الدم',
    [
      ['Blood Pressure', 'ضغط الدم'],
      ['Cholesterol', 'الكوليسترول'],
      ['Blood Thinners', 'مسيلات الدم'],
    ],
  ],
  [
    'Nervous System',
    'الجهاز العصبي',
    [
      ['Sleep & Anxiety', 'النوم والقلق'],
      ['Epilepsy', 'الصرع'],
      ['Depression', 'الاكتئاب'],
    ],
  ],
  [
    'Skin Care',
    'العناية بالبشرة',
    [
      ['Creams', 'الكريمات'],
      ['Acne', 'حب الشباب'],
      ['Sun Care', 'الحماية من الشمس'],
    ],
  ],
  [
    'Mother & Baby',
    'الأم والطفل',
    [
      ['Baby Care', 'العناية بالطفل'],
      ['Pregnancy', 'الحمل'],
      ['Formula', 'الحليب الصناعي'],
    ],
  ],
  [
    'Respiratory',
    'الجهاز التنفسي',
    [
      ['Inhalers', 'البخاخات'],
      ['Asthma', 'الربو'],
    ],
  ],
  [
    'Eye & Ear',
    'العين والأذن',
    [
      ['Eye Drops', 'قطرات العين'],
      ['Ear Drops', 'قطرات الأذن'],
    ],
  ],
];

// prettier-ignore
export const GENERICS: Generic[] = [
  { name: 'Paracetamol', strengths: ['500 mg', '1 g', '120 mg/5 ml'], forms: ['tablet', 'syrup', 'suppository'], category: 0, rx: false },
  { name: 'Ibuprofen', strengths: ['200 mg', '400 mg', '600 mg', '100 mg/5 ml'], forms: ['tablet', 'syrup'], category: 0, rx: false },
  { name: 'Diclofenac sodium', strengths: ['25 mg', '50 mg', '75 mg', '100 mg'], forms: ['tablet', 'ampoule', 'gel'], category: 0, rx: false },
  { name: 'Diclofenac potassium', strengths: ['25 mg', '50 mg'], forms: ['tablet', 'sachet'], category: 0, rx: false },
  { name: 'Naproxen', strengths: ['250 mg', '500 mg'], forms: ['tablet'], category: 0, rx: false },
  { name: 'Ketoprofen', strengths: ['100 mg', '2.5%'], forms: ['capsule', 'gel'], category: 0, rx: false },
  { name: 'Celecoxib', strengths: ['100 mg', '200 mg'], forms: ['capsule'], category: 0, rx: true },
  { name: 'Tramadol', strengths: ['50 mg', '100 mg'], forms: ['capsule', 'tablet'], category: 0, rx: true, controlled: true },
  { name: 'Amoxicillin', strengths: ['250 mg', '500 mg', '1 g', '250 mg/5 ml'], forms: ['capsule', 'tablet', 'suspension'], category: 1, rx: true },
  { name: 'Amoxicillin + Clavulanic acid', strengths: ['375 mg', '625 mg', '1 g', '457 mg/5 ml'], forms: ['tablet', 'suspension'], category: 1, rx: true },
  { name: 'Azithromycin', strengths: ['250 mg', '500 mg', '200 mg/5 ml'], forms: ['tablet', 'capsule', 'suspension'], category: 1, rx: true },
  { name: 'Clarithromycin', strengths: ['250 mg', '500 mg'], forms: ['tablet'], category: 1, rx: true },
  { name: 'Ciprofloxacin', strengths: ['250 mg', '500 mg', '750 mg'], forms: ['tablet'], category: 1, rx: true },
  { name: 'Levofloxacin', strengths: ['250 mg', '500 mg', '750 mg'], forms: ['tablet', 'vial'], category: 1, rx: true },
  { name: 'Cefuroxime', strengths: ['250 mg', '500 mg'], forms: ['tablet', 'vial'], category: 1, rx: true },
  { name: 'Cefixime', strengths: ['200 mg', '400 mg', '100 mg/5 ml'], forms: ['capsule', 'suspension'], category: 1, rx: true },
  { name: 'Ceftriaxone', strengths: ['250 mg', '500 mg', '1 g'], forms: ['vial'], category: 1, rx: true },
  { name: 'Doxycycline', strengths: ['100 mg'], forms: ['capsule'], category: 1, rx: true },
  { name: 'Metronidazole', strengths: ['250 mg', '500 mg'], forms: ['tablet', 'suspension'], category: 4, rx: true },
  { name: 'Pseudoephedrine', strengths: ['30 mg', '60 mg', '120 mg'], forms: ['tablet'], category: 2, rx: false },
  { name: 'Xylometazoline', strengths: ['0.05%', '0.1%'], forms: ['nasal spray', 'nasal drops'], category: 2, rx: false },
  { name: 'Oxymetazoline', strengths: ['0.025%', '0.05%'], forms: ['nasal spray'], category: 2, rx: false },
  { name: 'Dextromethorphan', strengths: ['15 mg/5 ml', '30 mg'], forms: ['syrup', 'tablet'], category: 2, rx: false },
  { name: 'Guaifenesin', strengths: ['100 mg/5 ml', '200 mg'], forms: ['syrup', 'tablet'], category: 2, rx: false },
  { name: 'Ambroxol', strengths: ['30 mg', '15 mg/5 ml'], forms: ['tablet', 'syrup'], category: 2, rx: false },
  { name: 'Loratadine', strengths: ['10 mg', '5 mg/5 ml'], forms: ['tablet', 'syrup'], category: 2, rx: false },
  { name: 'Cetirizine', strengths: ['10 mg', '5 mg/5 ml'], forms: ['tablet', 'syrup', 'drops'], category: 2, rx: false },
  { name: 'Desloratadine', strengths: ['5 mg', '2.5 mg/5 ml'], forms: ['tablet', 'syrup'], category: 2, rx: false },
  { name: 'Fexofenadine', strengths: ['120 mg', '180 mg'], forms: ['tablet'], category: 2, rx: false },
  { name: 'Ascorbic acid', strengths: ['500 mg', '1000 mg'], forms: ['effervescent tablet', 'tablet', 'chewable tablet'], category: 3, rx: false },
  { name: 'Cholecalciferol', strengths: ['1000 IU', '5000 IU', '50000 IU', '200000 IU'], forms: ['capsule', 'drops', 'ampoule'], category: 3, rx: false },
  { name: 'Calcium carbonate', strengths: ['500 mg', '600 mg', '1250 mg'], forms: ['tablet', 'chewable tablet'], category: 3, rx: false },
  { name: 'Ferrous sulfate', strengths: ['150 mg', '325 mg'], forms: ['capsule', 'tablet', 'syrup'], category: 3, rx: false },
  { name: 'Folic acid', strengths: ['400 mcg', '5 mg'], forms: ['tablet'], category: 9, rx: false },
  { name: 'Zinc', strengths: ['25 mg', '50 mg'], forms: ['tablet', 'effervescent tablet'], category: 3, rx: false },
  { name: 'Magnesium', strengths: ['250 mg', '400 mg'], forms: ['tablet', 'sachet'], category: 3, rx: false },
  { name: 'Omega-3 fatty acids', strengths: ['1000 mg'], forms: ['softgel'], category: 3, rx: false },
  { name: 'Vitamin B complex', strengths: ['1 tablet', '2 ml'], forms: ['tablet', 'ampoule'], category: 3, rx: false },
  { name: 'Omeprazole', strengths: ['20 mg', '40 mg'], forms: ['capsule', 'vial'], category: 4, rx: false },
  { name: 'Esomeprazole', strengths: ['20 mg', '40 mg'], forms: ['tablet', 'capsule'], category: 4, rx: true },
  { name: 'Pantoprazole', strengths: ['20 mg', '40 mg'], forms: ['tablet', 'vial'], category: 4, rx: true },
  { name: 'Lansoprazole', strengths: ['15 mg', '30 mg'], forms: ['capsule'], category: 4, rx: true },
  { name: 'Famotidine', strengths: ['20 mg', '40 mg'], forms: ['tablet'], category: 4, rx: false },
  { name: 'Domperidone', strengths: ['10 mg', '5 mg/5 ml'], forms: ['tablet', 'suspension'], category: 4, rx: false },
  { name: 'Nifuroxazide', strengths: ['200 mg', '220 mg/5 ml'], forms: ['capsule', 'suspension'], category: 4, rx: false },
  { name: 'Loperamide', strengths: ['2 mg'], forms: ['capsule', 'tablet'], category: 4, rx: false },
  { name: 'Lactulose', strengths: ['3.3 g/5 ml', '10 g/15 ml'], forms: ['syrup'], category: 4, rx: false },
  { name: 'Bisacodyl', strengths: ['5 mg', '10 mg'], forms: ['tablet', 'suppository'], category: 4, rx: false },
  { name: 'Hyoscine butylbromide', strengths: ['10 mg', '20 mg/ml'], forms: ['tablet', 'ampoule'], category: 4, rx: false },
  { name: 'Metformin', strengths: ['500 mg', '850 mg', '1000 mg'], forms: ['tablet', 'extended-release tablet'], category: 5, rx: true },
  { name: 'Gliclazide', strengths: ['30 mg', '60 mg', '80 mg'], forms: ['tablet', 'modified-release tablet'], category: 5, rx: true },
  { name: 'Glimepiride', strengths: ['1 mg', '2 mg', '3 mg', '4 mg'], forms: ['tablet'], category: 5, rx: true },
  { name: 'Sitagliptin', strengths: ['50 mg', '100 mg'], forms: ['tablet'], category: 5, rx: true },
  { name: 'Vildagliptin', strengths: ['50 mg'], forms: ['tablet'], category: 5, rx: true },
  { name: 'Empagliflozin', strengths: ['10 mg', '25 mg'], forms: ['tablet'], category: 5, rx: true },
  { name: 'Dapagliflozin', strengths: ['5 mg', '10 mg'], forms: ['tablet'], category: 5, rx: true },
  { name: 'Insulin glargine', strengths: ['100 IU/ml'], forms: ['prefilled pen', 'vial'], category: 5, rx: true },
  { name: 'Insulin aspart', strengths: ['100 IU/ml'], forms: ['prefilled pen', 'cartridge'], category: 5, rx: true },
  { name: 'Amlodipine', strengths: ['5 mg', '10 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Bisoprolol', strengths: ['2.5 mg', '5 mg', '10 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Atenolol', strengths: ['50 mg', '100 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Valsartan', strengths: ['80 mg', '160 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Losartan', strengths: ['50 mg', '100 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Candesartan', strengths: ['8 mg', '16 mg', '32 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Lisinopril', strengths: ['5 mg', '10 mg', '20 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Hydrochlorothiazide', strengths: ['12.5 mg', '25 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Atorvastatin', strengths: ['10 mg', '20 mg', '40 mg', '80 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Rosuvastatin', strengths: ['5 mg', '10 mg', '20 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Clopidogrel', strengths: ['75 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Acetylsalicylic acid', strengths: ['75 mg', '81 mg', '100 mg', '500 mg'], forms: ['tablet', 'chewable tablet'], category: 6, rx: false },
  { name: 'Rivaroxaban', strengths: ['10 mg', '15 mg', '20 mg'], forms: ['tablet'], category: 6, rx: true },
  { name: 'Alprazolam', strengths: ['0.25 mg', '0.5 mg', '1 mg'], forms: ['tablet'], category: 7, rx: true, controlled: true },
  { name: 'Clonazepam', strengths: ['0.5 mg', '2 mg'], forms: ['tablet', 'drops'], category: 7, rx: true, controlled: true },
  { name: 'Pregabalin', strengths: ['75 mg', '150 mg', '300 mg'], forms: ['capsule'], category: 7, rx: true, controlled: true },
  { name: 'Gabapentin', strengths: ['300 mg', '400 mg', '600 mg'], forms: ['capsule', 'tablet'], category: 7, rx: true },
  { name: 'Levetiracetam', strengths: ['250 mg', '500 mg', '1000 mg'], forms: ['tablet', 'syrup'], category: 7, rx: true },
  { name: 'Carbamazepine', strengths: ['200 mg', '400 mg'], forms: ['tablet', 'controlled-release tablet'], category: 7, rx: true },
  { name: 'Escitalopram', strengths: ['10 mg', '20 mg'], forms: ['tablet'], category: 7, rx: true },
  { name: 'Sertraline', strengths: ['50 mg', '100 mg'], forms: ['tablet'], category: 7, rx: true },
  { name: 'Fusidic acid', strengths: ['2%'], forms: ['cream', 'ointment'], category: 8, rx: false },
  { name: 'Mupirocin', strengths: ['2%'], forms: ['ointment'], category: 8, rx: false },
  { name: 'Hydrocortisone', strengths: ['1%'], forms: ['cream'], category: 8, rx: false },
  { name: 'Betamethasone', strengths: ['0.05%', '0.1%'], forms: ['cream', 'ointment', 'lotion'], category: 8, rx: true },
  { name: 'Clotrimazole', strengths: ['1%', '100 mg'], forms: ['cream', 'vaginal tablet'], category: 8, rx: false },
  { name: 'Miconazole', strengths: ['2%'], forms: ['cream', 'oral gel'], category: 8, rx: false },
  { name: 'Adapalene', strengths: ['0.1%'], forms: ['gel', 'cream'], category: 8, rx: false },
  { name: 'Benzoyl peroxide', strengths: ['2.5%', '5%'], forms: ['gel'], category: 8, rx: false },
  { name: 'Isotretinoin', strengths: ['10 mg', '20 mg'], forms: ['capsule'], category: 8, rx: true },
  { name: 'Zinc oxide', strengths: ['10%', '15%'], forms: ['cream', 'paste'], category: 9, rx: false },
  { name: 'Dexpanthenol', strengths: ['5%'], forms: ['ointment', 'cream'], category: 9, rx: false },
  { name: 'Simethicone', strengths: ['40 mg/ml', '80 mg'], forms: ['drops', 'chewable tablet'], category: 9, rx: false },
  { name: 'Salbutamol', strengths: ['100 mcg', '2 mg/5 ml'], forms: ['inhaler', 'syrup'], category: 10, rx: true },
  { name: 'Budesonide', strengths: ['200 mcg', '0.5 mg/2 ml'], forms: ['inhaler', 'nebuliser'], category: 10, rx: true },
  { name: 'Montelukast', strengths: ['4 mg', '5 mg', '10 mg'], forms: ['chewable tablet', 'tablet', 'granules'], category: 10, rx: true },
  { name: 'Fluticasone', strengths: ['50 mcg', '125 mcg'], forms: ['nasal spray', 'inhaler'], category: 10, rx: true },
  { name: 'Tobramycin', strengths: ['0.3%'], forms: ['eye drops', 'eye ointment'], category: 11, rx: true },
  { name: 'Sodium hyaluronate', strengths: ['0.1%', '0.2%'], forms: ['eye drops'], category: 11, rx: false },
  { name: 'Olopatadine', strengths: ['0.1%', '0.2%'], forms: ['eye drops'], category: 11, rx: false },
  { name: 'Ofloxacin', strengths: ['0.3%'], forms: ['ear drops', 'eye drops'], category: 11, rx: true },
];

/** Brand syllables: [English, Arabic]. A brand is a head and a tail ("Cipro" + "max"). */
// prettier-ignore
export const HEADS: [string, string][] = [
  ['Pana', 'بانا'], ['Para', 'بارا'], ['Abi', 'أبي'], ['Bru', 'برو'], ['Cata', 'كاتا'], ['Augmen', 'أوجمن'],
  ['Hibio', 'هايبيو'], ['Mega', 'ميجا'], ['Zithro', 'زيثرو'], ['Cipro', 'سيبرو'], ['Levo', 'ليفو'], ['Cefo', 'سيفو'],
  ['Amo', 'أمو'], ['Clari', 'كلاري'], ['Doxy', 'دوكسي'], ['Flagy', 'فلاجي'], ['Congest', 'كونجست'], ['Comt', 'كومت'],
  ['Otri', 'أوتري'], ['Tel', 'تل'], ['Clari', 'كلاري'], ['Zyr', 'زير'], ['Aero', 'آيرو'], ['Vita', 'فيتا'],
  ['Cal', 'كال'], ['Ferro', 'فيرو'], ['Osso', 'أوسو'], ['Neuro', 'نيورو'], ['Omega', 'أوميجا'], ['Anti', 'أنتي'],
  ['Moti', 'موتي'], ['Contro', 'كنترو'], ['Nexi', 'نيكسي'], ['Gastro', 'جاسترو'], ['Gluco', 'جلوكو'], ['Cido', 'سيدو'],
  ['Dia', 'ديا'], ['Ama', 'أما'], ['Con', 'كون'], ['Nor', 'نور'], ['Lipi', 'ليبي'], ['Crest', 'كريست'],
  ['Plavi', 'بلافي'], ['Aspo', 'أسبو'], ['Xar', 'زار'], ['Lyri', 'ليري'], ['Epi', 'إبي'], ['Cipra', 'سيبرا'],
  ['Fuci', 'فيوسي'], ['Derma', 'ديرما'], ['Bepan', 'بيبان'], ['Sudo', 'سودو'], ['Vento', 'فنتو'], ['Pulmi', 'بولمي'],
  ['Singu', 'سينجو'], ['Tobra', 'توبرا'], ['Hyal', 'هيال'], ['Opta', 'أوبتا'], ['Medi', 'ميدي'], ['Nile', 'نايل'],
  ['Phar', 'فار'], ['Ami', 'أمي'], ['Sedi', 'سيدي'], ['Epi', 'إيبي'], ['Kemi', 'كيمي'], ['Alex', 'أليكس'],
];
// prettier-ignore
export const TAILS: [string, string][] = [
  ['dol', 'دول'], ['mol', 'مول'], ['fen', 'فين'], ['flam', 'فلام'], ['tin', 'تين'], ['tic', 'تيك'],
  ['mox', 'موكس'], ['max', 'ماكس'], ['far', 'فار'], ['cin', 'سين'], ['zole', 'زول'], ['stal', 'ستال'],
  ['rex', 'ركس'], ['vin', 'فين'], ['fast', 'فاست'], ['tec', 'تك'], ['vit', 'فيت'], ['cal', 'كال'],
  ['fort', 'فورت'], ['nal', 'نال'], ['lium', 'ليوم'], ['loc', 'لوك'], ['um', 'يوم'], ['phage', 'فاج'],
  ['cor', 'كور'], ['vasc', 'فاسك'], ['tor', 'تور'], ['pril', 'بريل'], ['sartan', 'سارتان'], ['gard', 'جارد'],
  ['ca', 'كا'], ['pam', 'بام'], ['din', 'دين'], ['derm', 'ديرم'], ['then', 'ثين'], ['crem', 'كريم'],
  ['lin', 'لين'], ['cort', 'كورت'], ['lair', 'لير'], ['dex', 'ديكس'], ['lube', 'لوب'], ['pharm', 'فارم'],
];

export const MANUFACTURERS = [
  'GSK',
  'Pfizer',
  'Novartis',
  'Sanofi',
  'Bayer',
  'AstraZeneca',
  'Merck',
  'Abbott',
  'Takeda',
  'Janssen',
  'Pharco',
  'Amoun',
  'EIPICO',
  'Sigma',
  'Minapharm',
  'Sedico',
  'CID',
  'Memphis',
  'Kahira',
  'Nile Co',
  'Global Napi',
  'Marcyrl',
  'Hikma',
  'Julphar',
  'Spimaco',
  'Delta Pharma',
  'October Pharma',
  'Pharaonia',
  'Egyptian Int. Pharmaceuticals',
  'Multi Apex',
  'Rameda',
  'Eva Pharma',
  'Mash Premiere',
  'Adwia',
  'Borg Pharma',
];

/** Where the branches are: [city en, city ar, lat, lng, weight]. */
export const CITIES: [string, string, number, number, number][] = [
  ['Cairo', 'القاهرة', 30.0444, 31.2357, 30],
  ['Giza', 'الجيزة', 30.0131, 31.2089, 15],
  ['Alexandria', 'الإسكندرية', 31.2001, 29.9187, 14],
  ['Mansoura', 'المنصورة', 31.0409, 31.3785, 5],
  ['Tanta', 'طنطا', 30.7865, 31.0004, 5],
  ['Zagazig', 'الزقازيق', 30.5877, 31.502, 4],
  ['Port Said', 'بورسعيد', 31.2653, 32.3019, 3],
  ['Suez', 'السويس', 29.9668, 32.5498, 3],
  ['Ismailia', 'الإسماعيلية', 30.5965, 32.2715, 3],
  ['Assiut', 'أسيوط', 27.18, 31.1837, 4],
  ['Minya', 'المنيا', 28.0871, 30.7618, 3],
  ['Sohag', 'سوهاج', 26.5591, 31.6957, 3],
  ['Luxor', 'الأقصر', 25.6872, 32.6396, 2],
  ['Aswan', 'أسوان', 24.0889, 32.8998, 2],
  ['Hurghada', 'الغردقة', 27.2579, 33.8116, 2],
  ['Sharm El Sheikh', 'شرم الشيخ', 27.9158, 34.33, 1],
  ['Damanhour', 'دمنهور', 31.0341, 30.4682, 2],
  ['Beni Suef', 'بني سويف', 29.0661, 31.0994, 2],
];

const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
/** "500 mg" → "٥٠٠ مجم": the strength as an Arabic label prints it. */
export function arabicStrength(strength: string): string {
  return strength
    .replace(/\d/g, (d) => ARABIC_DIGITS[Number(d)])
    .replace(/\./g, '٫')
    .replace(/\bmcg\b/g, 'ميكروجرام')
    .replace(/\bmg\b/g, 'مجم')
    .replace(/\bml\b/g, 'مل')
    .replace(/\bIU\b/g, 'وحدة')
    .replace(/\bg\b/g, 'جم');
}
