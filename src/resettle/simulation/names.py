"""Common Persian given and family names, in Latin transliteration and in Persian script.

The lists are of ordinary, widespread names (no real resident is modelled); generated persons
combine them at random, so any resemblance to a real person is chance.
"""

from __future__ import annotations

# (Latin, Persian script)
MALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("Ali", "علی"), ("Mohammad", "محمد"), ("Hossein", "حسین"), ("Reza", "رضا"),
    ("Mehdi", "مهدی"), ("Hassan", "حسن"), ("Ahmad", "احمد"), ("Mahmoud", "محمود"),
    ("Majid", "مجید"), ("Saeed", "سعید"), ("Hamid", "حمید"), ("Javad", "جواد"),
    ("Mostafa", "مصطفی"), ("Abbas", "عباس"), ("Akbar", "اکبر"), ("Behrouz", "بهروز"),
    ("Dariush", "داریوش"), ("Farhad", "فرهاد"), ("Jamshid", "جمشید"), ("Kamran", "کامران"),
    ("Karim", "کریم"), ("Masoud", "مسعود"), ("Mojtaba", "مجتبی"), ("Morteza", "مرتضی"),
    ("Nader", "نادر"), ("Parviz", "پرویز"), ("Rahim", "رحیم"), ("Ramin", "رامین"),
    ("Siamak", "سیامک"), ("Shahram", "شهرام"), ("Amir", "امیر"), ("Babak", "بابک"),
    ("Bahram", "بهرام"), ("Davoud", "داوود"), ("Ebrahim", "ابراهیم"), ("Esmail", "اسماعیل"),
    ("Fereydoun", "فریدون"), ("Hadi", "هادی"), ("Hamed", "حامد"), ("Iraj", "ایرج"),
    ("Jalal", "جلال"), ("Kazem", "کاظم"), ("Khosrow", "خسرو"), ("Manouchehr", "منوچهر"),
    ("Mansour", "منصور"), ("Mehran", "مهران"), ("Mohsen", "محسن"), ("Nasser", "ناصر"),
    ("Omid", "امید"), ("Peyman", "پیمان"), ("Rasoul", "رسول"), ("Saman", "سامان"),
    ("Sohrab", "سهراب"), ("Yousef", "یوسف"), ("Asghar", "اصغر"), ("Gholamreza", "غلامرضا"),
    ("Houshang", "هوشنگ"), ("Kourosh", "کوروش"), ("Navid", "نوید"), ("Arash", "آرش"),
)

FEMALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("Maryam", "مریم"), ("Fatemeh", "فاطمه"), ("Zahra", "زهرا"), ("Masoumeh", "معصومه"),
    ("Mahboubeh", "محبوبه"), ("Azam", "اعظم"), ("Leila", "لیلا"), ("Parvin", "پروین"),
    ("Shahla", "شهلا"), ("Nasrin", "نسرین"), ("Mina", "مینا"), ("Mojgan", "مژگان"),
    ("Fereshteh", "فرشته"), ("Soraya", "ثریا"), ("Zohreh", "زهره"), ("Roya", "رویا"),
    ("Shirin", "شیرین"), ("Nahid", "ناهید"), ("Elham", "الهام"), ("Farideh", "فریده"),
    ("Homa", "هما"), ("Marzieh", "مرضیه"), ("Akram", "اکرم"), ("Azadeh", "آزاده"),
    ("Behnaz", "بهناز"), ("Farah", "فرح"), ("Golnaz", "گلناز"), ("Mahnaz", "مهناز"),
    ("Manijeh", "منیژه"), ("Mehri", "مهری"), ("Nayereh", "نیره"), ("Parisa", "پریسا"),
    ("Robabeh", "ربابه"), ("Sakineh", "سکینه"), ("Sedigheh", "صدیقه"), ("Simin", "سیمین"),
    ("Tahereh", "طاهره"), ("Zhila", "ژیلا"), ("Narges", "نرگس"), ("Afsaneh", "افسانه"),
    ("Hengameh", "هنگامه"), ("Samira", "سمیرا"),
)

FAMILY: tuple[tuple[str, str], ...] = (
    ("Ahmadi", "احمدی"), ("Mohammadi", "محمدی"), ("Hosseini", "حسینی"), ("Rezaei", "رضایی"),
    ("Moradi", "مرادی"), ("Karimi", "کریمی"), ("Jafari", "جعفری"), ("Rahimi", "رحیمی"),
    ("Hashemi", "هاشمی"), ("Mousavi", "موسوی"), ("Sadeghi", "صادقی"), ("Ghasemi", "قاسمی"),
    ("Abbasi", "عباسی"), ("Heydari", "حیدری"), ("Kazemi", "کاظمی"), ("Amini", "امینی"),
    ("Rostami", "رستمی"), ("Azizi", "عزیزی"), ("Ebrahimi", "ابراهیمی"), ("Najafi", "نجفی"),
    ("Soltani", "سلطانی"), ("Bagheri", "باقری"), ("Shirazi", "شیرازی"), ("Tehrani", "تهرانی"),
    ("Esfahani", "اصفهانی"), ("Tabrizi", "تبریزی"), ("Hamedani", "همدانی"), ("Kermani", "کرمانی"),
    ("Nouri", "نوری"), ("Salehi", "صالحی"), ("Akbari", "اکبری"), ("Asadi", "اسدی"),
    ("Yousefi", "یوسفی"), ("Zamani", "زمانی"), ("Farahani", "فراهانی"), ("Ghorbani", "قربانی"),
    ("Jalali", "جلالی"), ("Khalili", "خلیلی"), ("Mirzaei", "میرزایی"), ("Naderi", "نادری"),
    ("Rahmani", "رحمانی"), ("Sharifi", "شریفی"), ("Taheri", "طاهری"), ("Vahidi", "وحیدی"),
    ("Zarei", "زارعی"), ("Alavi", "علوی"), ("Bahrami", "بهرامی"), ("Darvishi", "درویشی"),
    ("Fazeli", "فاضلی"), ("Habibi", "حبیبی"), ("Kamali", "کمالی"), ("Mansouri", "منصوری"),
    ("Nazari", "نظری"), ("Rashidi", "رشیدی"), ("Safavi", "صفوی"), ("Tavakoli", "توکلی"),
    ("Yazdani", "یزدانی"), ("Ansari", "انصاری"), ("Ardalan", "اردلان"), ("Sanandaji", "سنندجی"),
    ("Kordestani", "کردستانی"), ("Azarbaijani", "آذربایجانی"), ("Ardabili", "اردبیلی"),
    ("Gilani", "گیلانی"), ("Mazandarani", "مازندرانی"), ("Ahvazi", "اهوازی"),
    ("Lorestani", "لرستانی"), ("Shushtari", "شوشتری"), ("Rashti", "رشتی"), ("Mashhadi", "مشهدی"),
)
