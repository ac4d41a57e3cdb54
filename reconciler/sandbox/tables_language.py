"""ISO 639 data DataCite's `language` rewrite looks codes and names up in (reference §2.8.4).

Written from the Library of Congress ISO 639-2 list, which the iso-639 gem (0.3.8) that lupo uses ships.
Data only; the sandbox shares none of it with the reconciler.
"""

from __future__ import annotations

from typing import Final

# (ISO 639-1 code, ISO 639-2/B code, ISO 639-2/T code or "" when it equals /B, English name as listed).
ISO_639_1: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("aa", "aar", "", "Afar"), ("ab", "abk", "", "Abkhazian"), ("ae", "ave", "", "Avestan"),
    ("af", "afr", "", "Afrikaans"), ("ak", "aka", "", "Akan"), ("am", "amh", "", "Amharic"),
    ("an", "arg", "", "Aragonese"), ("ar", "ara", "", "Arabic"), ("as", "asm", "", "Assamese"),
    ("av", "ava", "", "Avaric"), ("ay", "aym", "", "Aymara"), ("az", "aze", "", "Azerbaijani"),
    ("ba", "bak", "", "Bashkir"), ("be", "bel", "", "Belarusian"), ("bg", "bul", "", "Bulgarian"),
    ("bh", "bih", "", "Bihari languages"), ("bi", "bis", "", "Bislama"), ("bm", "bam", "", "Bambara"),
    ("bn", "ben", "", "Bengali"), ("bo", "tib", "bod", "Tibetan"), ("br", "bre", "", "Breton"),
    ("bs", "bos", "", "Bosnian"), ("ca", "cat", "", "Catalan; Valencian"), ("ce", "che", "", "Chechen"),
    ("ch", "cha", "", "Chamorro"), ("co", "cos", "", "Corsican"), ("cr", "cre", "", "Cree"),
    ("cs", "cze", "ces", "Czech"),
    ("cu", "chu", "", "Church Slavic; Old Slavonic; Church Slavonic; Old Bulgarian; Old Church Slavonic"),
    ("cv", "chv", "", "Chuvash"), ("cy", "wel", "cym", "Welsh"), ("da", "dan", "", "Danish"),
    ("de", "ger", "deu", "German"), ("dv", "div", "", "Divehi; Dhivehi; Maldivian"),
    ("dz", "dzo", "", "Dzongkha"), ("ee", "ewe", "", "Ewe"), ("el", "gre", "ell", "Greek, Modern (1453-)"),
    ("en", "eng", "", "English"), ("eo", "epo", "", "Esperanto"), ("es", "spa", "", "Spanish; Castilian"),
    ("et", "est", "", "Estonian"), ("eu", "baq", "eus", "Basque"), ("fa", "per", "fas", "Persian"),
    ("ff", "ful", "", "Fulah"), ("fi", "fin", "", "Finnish"), ("fj", "fij", "", "Fijian"),
    ("fo", "fao", "", "Faroese"), ("fr", "fre", "fra", "French"), ("fy", "fry", "", "Western Frisian"),
    ("ga", "gle", "", "Irish"), ("gd", "gla", "", "Gaelic; Scottish Gaelic"), ("gl", "glg", "", "Galician"),
    ("gn", "grn", "", "Guarani"), ("gu", "guj", "", "Gujarati"), ("gv", "glv", "", "Manx"),
    ("ha", "hau", "", "Hausa"), ("he", "heb", "", "Hebrew"), ("hi", "hin", "", "Hindi"),
    ("ho", "hmo", "", "Hiri Motu"), ("hr", "hrv", "", "Croatian"),
    ("ht", "hat", "", "Haitian; Haitian Creole"), ("hu", "hun", "", "Hungarian"),
    ("hy", "arm", "hye", "Armenian"), ("hz", "her", "", "Herero"),
    ("ia", "ina", "", "Interlingua (International Auxiliary Language Association)"),
    ("id", "ind", "", "Indonesian"), ("ie", "ile", "", "Interlingue; Occidental"), ("ig", "ibo", "", "Igbo"),
    ("ii", "iii", "", "Sichuan Yi; Nuosu"), ("ik", "ipk", "", "Inupiaq"), ("io", "ido", "", "Ido"),
    ("is", "ice", "isl", "Icelandic"), ("it", "ita", "", "Italian"), ("iu", "iku", "", "Inuktitut"),
    ("ja", "jpn", "", "Japanese"), ("jv", "jav", "", "Javanese"), ("ka", "geo", "kat", "Georgian"),
    ("kg", "kon", "", "Kongo"), ("ki", "kik", "", "Kikuyu; Gikuyu"), ("kj", "kua", "", "Kuanyama; Kwanyama"),
    ("kk", "kaz", "", "Kazakh"), ("kl", "kal", "", "Kalaallisut; Greenlandic"),
    ("km", "khm", "", "Central Khmer"), ("kn", "kan", "", "Kannada"), ("ko", "kor", "", "Korean"),
    ("kr", "kau", "", "Kanuri"), ("ks", "kas", "", "Kashmiri"), ("ku", "kur", "", "Kurdish"),
    ("kv", "kom", "", "Komi"), ("kw", "cor", "", "Cornish"), ("ky", "kir", "", "Kirghiz; Kyrgyz"),
    ("la", "lat", "", "Latin"), ("lb", "ltz", "", "Luxembourgish; Letzeburgesch"), ("lg", "lug", "", "Ganda"),
    ("li", "lim", "", "Limburgan; Limburger; Limburgish"), ("ln", "lin", "", "Lingala"),
    ("lo", "lao", "", "Lao"), ("lt", "lit", "", "Lithuanian"), ("lu", "lub", "", "Luba-Katanga"),
    ("lv", "lav", "", "Latvian"), ("mg", "mlg", "", "Malagasy"), ("mh", "mah", "", "Marshallese"),
    ("mi", "mao", "mri", "Maori"), ("mk", "mac", "mkd", "Macedonian"), ("ml", "mal", "", "Malayalam"),
    ("mn", "mon", "", "Mongolian"), ("mr", "mar", "", "Marathi"), ("ms", "may", "msa", "Malay"),
    ("mt", "mlt", "", "Maltese"), ("my", "bur", "mya", "Burmese"), ("na", "nau", "", "Nauru"),
    ("nb", "nob", "", "Bokmål, Norwegian; Norwegian Bokmål"),
    ("nd", "nde", "", "Ndebele, North; North Ndebele"), ("ne", "nep", "", "Nepali"),
    ("ng", "ndo", "", "Ndonga"), ("nl", "dut", "nld", "Dutch; Flemish"),
    ("nn", "nno", "", "Norwegian Nynorsk; Nynorsk, Norwegian"), ("no", "nor", "", "Norwegian"),
    ("nr", "nbl", "", "Ndebele, South; South Ndebele"), ("nv", "nav", "", "Navajo; Navaho"),
    ("ny", "nya", "", "Chichewa; Chewa; Nyanja"), ("oc", "oci", "", "Occitan (post 1500)"),
    ("oj", "oji", "", "Ojibwa"), ("om", "orm", "", "Oromo"), ("or", "ori", "", "Oriya"),
    ("os", "oss", "", "Ossetian; Ossetic"), ("pa", "pan", "", "Panjabi; Punjabi"), ("pi", "pli", "", "Pali"),
    ("pl", "pol", "", "Polish"), ("ps", "pus", "", "Pushto; Pashto"), ("pt", "por", "", "Portuguese"),
    ("qu", "que", "", "Quechua"), ("rm", "roh", "", "Romansh"), ("rn", "run", "", "Rundi"),
    ("ro", "rum", "ron", "Romanian; Moldavian; Moldovan"), ("ru", "rus", "", "Russian"),
    ("rw", "kin", "", "Kinyarwanda"), ("sa", "san", "", "Sanskrit"), ("sc", "srd", "", "Sardinian"),
    ("sd", "snd", "", "Sindhi"), ("se", "sme", "", "Northern Sami"), ("sg", "sag", "", "Sango"),
    ("si", "sin", "", "Sinhala; Sinhalese"), ("sk", "slo", "slk", "Slovak"), ("sl", "slv", "", "Slovenian"),
    ("sm", "smo", "", "Samoan"), ("sn", "sna", "", "Shona"), ("so", "som", "", "Somali"),
    ("sq", "alb", "sqi", "Albanian"), ("sr", "srp", "", "Serbian"), ("ss", "ssw", "", "Swati"),
    ("st", "sot", "", "Sotho, Southern"), ("su", "sun", "", "Sundanese"), ("sv", "swe", "", "Swedish"),
    ("sw", "swa", "", "Swahili"), ("ta", "tam", "", "Tamil"), ("te", "tel", "", "Telugu"),
    ("tg", "tgk", "", "Tajik"), ("th", "tha", "", "Thai"), ("ti", "tir", "", "Tigrinya"),
    ("tk", "tuk", "", "Turkmen"), ("tl", "tgl", "", "Tagalog"), ("tn", "tsn", "", "Tswana"),
    ("to", "ton", "", "Tonga (Tonga Islands)"), ("tr", "tur", "", "Turkish"), ("ts", "tso", "", "Tsonga"),
    ("tt", "tat", "", "Tatar"), ("tw", "twi", "", "Twi"), ("ty", "tah", "", "Tahitian"),
    ("ug", "uig", "", "Uighur; Uyghur"), ("uk", "ukr", "", "Ukrainian"), ("ur", "urd", "", "Urdu"),
    ("uz", "uzb", "", "Uzbek"), ("ve", "ven", "", "Venda"), ("vi", "vie", "", "Vietnamese"),
    ("vo", "vol", "", "Volapük"), ("wa", "wln", "", "Walloon"), ("wo", "wol", "", "Wolof"),
    ("xh", "xho", "", "Xhosa"), ("yi", "yid", "", "Yiddish"), ("yo", "yor", "", "Yoruba"),
    ("za", "zha", "", "Zhuang; Chuang"), ("zh", "chi", "zho", "Chinese"), ("zu", "zul", "", "Zulu"),
)  # fmt: skip

# ISO 639-2 codes with no two-letter code (a few of several hundred). A match on them finds an entry
# without alpha2, so the value is kept as sent when well-formed — exactly what an unknown code gets.
ISO_639_2_ONLY: Final[tuple[tuple[str, str], ...]] = (
    ("ast", "Asturian; Bable; Leonese; Asturleonese"), ("chr", "Cherokee"), ("fil", "Filipino; Pilipino"),
    ("grc", "Greek, Ancient (to 1453)"), ("gsw", "Swiss German; Alemannic; Alsatian"), ("haw", "Hawaiian"),
    ("mis", "Uncoded languages"), ("mul", "Multiple languages"),
    ("nds", "Low German; Low Saxon; German, Low; Saxon, Low"), ("sgn", "Sign Languages"),
    ("tlh", "Klingon; tlhIngan-Hol"), ("und", "Undetermined"),
    ("zxx", "No linguistic content; Not applicable"),
)  # fmt: skip
