/** The words of each notification kind, in English and Arabic (the recipient's language from identity). */
export type Lang = 'en' | 'ar';
export const langOf = (locale: string): Lang => (locale === 'ar' ? 'ar' : 'en');

type Text = { title: string; body: string };
type Render = (d: Record<string, string | number>, money: (minor: number) => string) => Text;

const ref = (id: unknown) =>
  String(id ?? '')
    .slice(-6)
    .toUpperCase();

const TEXTS: Record<string, Record<Lang, Render>> = {
  'order.placed': {
    en: (d) => ({ title: 'Order received', body: `We received your order ${ref(d.orderId)}.` }),
    ar: (d) => ({ title: 'تم استلام طلبك', body: `استلمنا طلبك ${ref(d.orderId)}.` }),
  },
  'order.pending_verification': {
    en: (d) => ({
      title: 'Prescription check',
      body: `A pharmacist is checking the prescription for order ${ref(d.orderId)}.`,
    }),
    ar: (d) => ({ title: 'مراجعة الوصفة', body: `يراجع الصيدلي الوصفة الخاصة بالطلب ${ref(d.orderId)}.` }),
  },
  'order.pending_payment': {
    en: (d) => ({ title: 'Payment needed', body: `Order ${ref(d.orderId)} is waiting for your payment.` }),
    ar: (d) => ({ title: 'بانتظار الدفع', body: `الطلب ${ref(d.orderId)} بانتظار الدفع.` }),
  },
  'order.confirmed': {
    en: (d) => ({ title: 'Order confirmed', body: `Order ${ref(d.orderId)} is confirmed.` }),
    ar: (d) => ({ title: 'تم تأكيد الطلب', body: `تم تأكيد الطلب ${ref(d.orderId)}.` }),
  },
  'order.preparing': {
    en: (d) => ({ title: 'Preparing your order', body: `The pharmacy is preparing order ${ref(d.orderId)}.` }),
    ar: (d) => ({ title: 'جارٍ تجهيز طلبك', body: `تقوم الصيدلية بتجهيز الطلب ${ref(d.orderId)}.` }),
  },
  'order.ready_for_pickup': {
    en: (d) => ({ title: 'Ready for pickup', body: `Order ${ref(d.orderId)} is ready for pickup.` }),
    ar: (d) => ({ title: 'جاهز للاستلام', body: `الطلب ${ref(d.orderId)} جاهز للاستلام.` }),
  },
  'order.out_for_delivery': {
    en: (d) => ({ title: 'On its way', body: `Order ${ref(d.orderId)} is out for delivery.` }),
    ar: (d) => ({ title: 'في الطريق إليك', body: `الطلب ${ref(d.orderId)} خرج للتوصيل.` }),
  },
  'order.completed': {
    en: (d) => ({ title: 'Order completed', body: `Order ${ref(d.orderId)} is complete. Thank you.` }),
    ar: (d) => ({ title: 'اكتمل الطلب', body: `اكتمل الطلب ${ref(d.orderId)}. شكراً لك.` }),
  },
  'order.cancelled': {
    en: (d) => ({ title: 'Order cancelled', body: `Order ${ref(d.orderId)} was cancelled.` }),
    ar: (d) => ({ title: 'تم إلغاء الطلب', body: `تم إلغاء الطلب ${ref(d.orderId)}.` }),
  },
  'order.expired': {
    en: (d) => ({ title: 'Order expired', body: `Order ${ref(d.orderId)} expired before it could go ahead.` }),
    ar: (d) => ({ title: 'انتهت صلاحية الطلب', body: `انتهت مهلة الطلب ${ref(d.orderId)}.` }),
  },
  'order.refunded': {
    en: (d) => ({ title: 'Order refunded', body: `Order ${ref(d.orderId)} was refunded.` }),
    ar: (d) => ({ title: 'تم رد المبلغ', body: `تم رد مبلغ الطلب ${ref(d.orderId)}.` }),
  },
  'order.partially_refunded': {
    en: (d) => ({ title: 'Partial refund', body: `Part of order ${ref(d.orderId)} was refunded.` }),
    ar: (d) => ({ title: 'رد جزئي', body: `تم رد جزء من مبلغ الطلب ${ref(d.orderId)}.` }),
  },
  'order.refund': {
    en: (d, m) => ({
      title: 'Refund issued',
      body: `${m(Number(d.amountMinor))} was refunded for order ${ref(d.orderId)}.`,
    }),
    ar: (d, m) => ({
      title: 'تم إصدار استرداد',
      body: `تم رد ${m(Number(d.amountMinor))} عن الطلب ${ref(d.orderId)}.`,
    }),
  },
  'payment.paid': {
    en: () => ({ title: 'Payment received', body: 'Your card payment went through.' }),
    ar: () => ({ title: 'تم استلام الدفعة', body: 'تمت عملية الدفع بالبطاقة بنجاح.' }),
  },
  'payment.failed': {
    en: () => ({ title: 'Payment failed', body: 'Your card payment did not go through. You can try again.' }),
    ar: () => ({ title: 'فشل الدفع', body: 'لم تتم عملية الدفع بالبطاقة. يمكنك المحاولة مرة أخرى.' }),
  },
  'appointment.booked': {
    en: () => ({ title: 'Appointment booked', body: 'Your appointment is booked.' }),
    ar: () => ({ title: 'تم حجز الموعد', body: 'تم حجز موعدك.' }),
  },
  'appointment.new_booking': {
    en: () => ({ title: 'New booking', body: 'A patient booked an appointment with you.' }),
    ar: () => ({ title: 'حجز جديد', body: 'حجز مريض موعداً معك.' }),
  },
  'appointment.cancelled': {
    en: () => ({ title: 'Appointment cancelled', body: 'An appointment was cancelled.' }),
    ar: () => ({ title: 'تم إلغاء الموعد', body: 'تم إلغاء موعد.' }),
  },
  'appointment.rescheduled': {
    en: () => ({ title: 'Appointment moved', body: 'An appointment was moved to another time.' }),
    ar: () => ({ title: 'تم تغيير الموعد', body: 'تم نقل موعد إلى وقت آخر.' }),
  },
  'appointment.starting': {
    en: () => ({ title: 'Your consultation is starting', body: 'The doctor has started your consultation. Join now.' }),
    ar: () => ({ title: 'استشارتك تبدأ الآن', body: 'بدأ الطبيب استشارتك. انضم الآن.' }),
  },
  'appointment.patient_waiting': {
    en: () => ({ title: 'Patient waiting', body: 'Your patient checked in and is in the waiting room.' }),
    ar: () => ({ title: 'مريض في الانتظار', body: 'سجّل مريضك الحضور وهو في غرفة الانتظار.' }),
  },
  'appointment.completed': {
    en: () => ({ title: 'Consultation completed', body: 'Your consultation is complete.' }),
    ar: () => ({ title: 'اكتملت الاستشارة', body: 'اكتملت استشارتك.' }),
  },
  'appointment.no_show': {
    en: () => ({ title: 'Missed appointment', body: 'You missed your appointment.' }),
    ar: () => ({ title: 'موعد فائت', body: 'فاتك موعدك.' }),
  },
  'appointment.expired': {
    en: () => ({ title: 'Booking released', body: 'Your booking was released because it was not paid in time.' }),
    ar: () => ({ title: 'تم إلغاء الحجز', body: 'تم إلغاء حجزك لعدم الدفع في الوقت المحدد.' }),
  },
  'prescription.issued': {
    en: () => ({ title: 'New prescription', body: 'Your doctor issued a prescription.' }),
    ar: () => ({ title: 'وصفة جديدة', body: 'أصدر طبيبك وصفة طبية.' }),
  },
  'prescription.revoked': {
    en: () => ({ title: 'Prescription revoked', body: 'Your doctor revoked a prescription.' }),
    ar: () => ({ title: 'تم إلغاء الوصفة', body: 'ألغى طبيبك وصفة طبية.' }),
  },
  'prescription.dispensed': {
    en: () => ({ title: 'Prescription dispensed', body: 'Medicine from your prescription was handed over.' }),
    ar: () => ({ title: 'تم صرف الوصفة', body: 'تم صرف دواء من وصفتك.' }),
  },
  'ticket.created': {
    en: (d) => ({ title: 'Support request received', body: `Support request ${ref(d.ticketId)} was opened.` }),
    ar: (d) => ({ title: 'تم استلام طلب الدعم', body: `تم فتح طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'ticket.assigned': {
    en: (d) => ({ title: 'Support request assigned', body: `Support request ${ref(d.ticketId)} was assigned.` }),
    ar: (d) => ({ title: 'تم إسناد طلب الدعم', body: `تم إسناد طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'ticket.status': {
    en: (d) => ({
      title: 'Support request updated',
      body: `Support request ${ref(d.ticketId)} is now ${String(d.status ?? '').replace(/_/g, ' ')}.`,
    }),
    ar: (d) => ({ title: 'تم تحديث طلب الدعم', body: `تم تحديث حالة طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'ticket.reply_from_support': {
    en: (d) => ({ title: 'Support replied', body: `There is a new reply to your support request ${ref(d.ticketId)}.` }),
    ar: (d) => ({ title: 'رد من الدعم', body: `يوجد رد جديد على طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'ticket.reply_from_customer': {
    en: (d) => ({ title: 'Customer replied', body: `The customer replied on support request ${ref(d.ticketId)}.` }),
    ar: (d) => ({ title: 'رد من العميل', body: `رد العميل على طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'ticket.note': {
    en: (d) => ({ title: 'Internal note', body: `A colleague added a note to support request ${ref(d.ticketId)}.` }),
    ar: (d) => ({ title: 'ملاحظة داخلية', body: `أضاف زميل ملاحظة على طلب الدعم ${ref(d.ticketId)}.` }),
  },
  'account.welcome': {
    en: () => ({ title: 'Welcome to Medyour', body: 'Your account is ready.' }),
    ar: () => ({ title: 'مرحباً بك في ميديور', body: 'حسابك جاهز.' }),
  },
  'account.doctor_approved': {
    en: () => ({ title: 'Profile approved', body: 'Your doctor profile was approved. Patients can now book you.' }),
    ar: () => ({
      title: 'تمت الموافقة على ملفك',
      body: 'تمت الموافقة على ملفك كطبيب. يمكن للمرضى حجز مواعيد معك الآن.',
    }),
  },
  'account.password_changed': {
    en: () => ({
      title: 'Password changed',
      body: 'Your password was changed. If this was not you, contact support now.',
    }),
    ar: () => ({ title: 'تم تغيير كلمة المرور', body: 'تم تغيير كلمة المرور. إذا لم تكن أنت فتواصل مع الدعم الآن.' }),
  },
  'account.suspended': {
    en: () => ({ title: 'Account suspended', body: 'Your account was suspended. Contact support for help.' }),
    ar: () => ({ title: 'تم إيقاف الحساب', body: 'تم إيقاف حسابك. تواصل مع الدعم للمساعدة.' }),
  },
  'account.reactivated': {
    en: () => ({ title: 'Account reactivated', body: 'Your account is active again.' }),
    ar: () => ({ title: 'تمت إعادة تفعيل الحساب', body: 'حسابك نشط مرة أخرى.' }),
  },
};

export const KNOWN_KINDS = Object.keys(TEXTS);

export function render(kind: string, locale: string, data: Record<string, string | number>, currency: string): Text {
  const lang = langOf(locale);
  const money = (minor: number) =>
    new Intl.NumberFormat(lang === 'ar' ? 'ar-EG' : 'en-US', { style: 'currency', currency }).format(minor / 100);
  const fn = TEXTS[kind]?.[lang];
  return fn ? fn(data, money) : { title: kind, body: '' };
}
