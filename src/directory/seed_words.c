/* The synthetic directory's vocabulary; see seed_words.h. Names are made
 * up from common words and place names; they are meant to look like a
 * Japanese association's members, not to name real organisations. */
#include "directory/seed_words.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Weights follow where companies are: Tokyo first, then Osaka, Aichi,
 * Kanagawa, Fukuoka. */
const struct seed_place seed_places[] = {
	{"北海道", "北海道", "Hokkaido", "hokkaido", "札幌市", "Sapporo", "11", 3},
	{"青森県", "青森", "Aomori", "tohoku", "青森市", "Aomori", "17", 1},
	{"岩手県", "岩手", "Iwate", "tohoku", "盛岡市", "Morioka", "19", 1},
	{"宮城県", "宮城", "Miyagi", "tohoku", "仙台市", "Sendai", "22", 2},
	{"秋田県", "秋田", "Akita", "tohoku", "秋田市", "Akita", "18", 1},
	{"山形県", "山形", "Yamagata", "tohoku", "山形市", "Yamagata", "23", 1},
	{"福島県", "福島", "Fukushima", "tohoku", "福島市", "Fukushima", "24", 1},
	{"茨城県", "茨城", "Ibaraki", "kanto", "水戸市", "Mito", "29", 1},
	{"栃木県", "栃木", "Tochigi", "kanto", "宇都宮市", "Utsunomiya", "28", 1},
	{"群馬県", "群馬", "Gunma", "kanto", "前橋市", "Maebashi", "27", 1},
	{"埼玉県", "埼玉", "Saitama", "kanto", "さいたま市", "Saitama", "48", 3},
	{"千葉県", "千葉", "Chiba", "kanto", "千葉市", "Chiba", "43", 3},
	{"東京都", "東京", "Tokyo", "kanto", "千代田区", "Chiyoda-ku", "3", 40},
	{"神奈川県", "神奈川", "Kanagawa", "kanto", "横浜市", "Yokohama", "45", 6},
	{"新潟県", "新潟", "Niigata", "chubu", "新潟市", "Niigata", "25", 1},
	{"富山県", "富山", "Toyama", "chubu", "富山市", "Toyama", "76", 1},
	{"石川県", "石川", "Ishikawa", "chubu", "金沢市", "Kanazawa", "76", 1},
	{"福井県", "福井", "Fukui", "chubu", "福井市", "Fukui", "776", 1},
	{"山梨県", "山梨", "Yamanashi", "chubu", "甲府市", "Kofu", "55", 1},
	{"長野県", "長野", "Nagano", "chubu", "長野市", "Nagano", "26", 1},
	{"岐阜県", "岐阜", "Gifu", "chubu", "岐阜市", "Gifu", "58", 1},
	{"静岡県", "静岡", "Shizuoka", "chubu", "静岡市", "Shizuoka", "54", 2},
	{"愛知県", "愛知", "Aichi", "chubu", "名古屋市", "Nagoya", "52", 6},
	{"三重県", "三重", "Mie", "kansai", "津市", "Tsu", "59", 1},
	{"滋賀県", "滋賀", "Shiga", "kansai", "大津市", "Otsu", "77", 1},
	{"京都府", "京都", "Kyoto", "kansai", "京都市", "Kyoto", "75", 2},
	{"大阪府", "大阪", "Osaka", "kansai", "大阪市", "Osaka", "6", 10},
	{"兵庫県", "兵庫", "Hyogo", "kansai", "神戸市", "Kobe", "78", 3},
	{"奈良県", "奈良", "Nara", "kansai", "奈良市", "Nara", "742", 1},
	{"和歌山県", "和歌山", "Wakayama", "kansai", "和歌山市", "Wakayama", "73", 1},
	{"鳥取県", "鳥取", "Tottori", "chugoku", "鳥取市", "Tottori", "857", 1},
	{"島根県", "島根", "Shimane", "chugoku", "松江市", "Matsue", "852", 1},
	{"岡山県", "岡山", "Okayama", "chugoku", "岡山市", "Okayama", "86", 1},
	{"広島県", "広島", "Hiroshima", "chugoku", "広島市", "Hiroshima", "82", 2},
	{"山口県", "山口", "Yamaguchi", "chugoku", "山口市", "Yamaguchi", "83", 1},
	{"徳島県", "徳島", "Tokushima", "shikoku", "徳島市", "Tokushima", "88", 1},
	{"香川県", "香川", "Kagawa", "shikoku", "高松市", "Takamatsu", "87", 1},
	{"愛媛県", "愛媛", "Ehime", "shikoku", "松山市", "Matsuyama", "89", 1},
	{"高知県", "高知", "Kochi", "shikoku", "高知市", "Kochi", "88", 1},
	{"福岡県", "福岡", "Fukuoka", "kyushu", "福岡市", "Fukuoka", "92", 4},
	{"佐賀県", "佐賀", "Saga", "kyushu", "佐賀市", "Saga", "952", 1},
	{"長崎県", "長崎", "Nagasaki", "kyushu", "長崎市", "Nagasaki", "95", 1},
	{"熊本県", "熊本", "Kumamoto", "kyushu", "熊本市", "Kumamoto", "96", 1},
	{"大分県", "大分", "Oita", "kyushu", "大分市", "Oita", "97", 1},
	{"宮崎県", "宮崎", "Miyazaki", "kyushu", "宮崎市", "Miyazaki", "985", 1},
	{"鹿児島県", "鹿児島", "Kagoshima", "kyushu", "鹿児島市", "Kagoshima", "99", 1},
	{"沖縄県", "沖縄", "Okinawa", "okinawa", "那覇市", "Naha", "98", 1},
};
const size_t seed_nplaces = COUNT(seed_places);

const struct seed_abroad seed_abroad[] = {
	{"US", "米国", "US", "New York", "America/New_York", "+1 212-555-0100"},
	{"US", "米国", "US", "San Jose", "America/Los_Angeles", "+1 408-555-0100"},
	{"SG", "シンガポール", "Singapore", "Singapore", "Asia/Singapore", "+65 6123 4500"},
	{"DE", "ドイツ", "Germany", "Frankfurt am Main", "Europe/Berlin", "+49 69 1234 5600"},
	{"GB", "英国", "UK", "London", "Europe/London", "+44 20 7946 0100"},
	{"TW", "台湾", "Taiwan", "Taipei", "Asia/Taipei", "+886 2 2345 6700"},
	{"KR", "韓国", "Korea", "Seoul", "Asia/Seoul", "+82 2 1234 5600"},
	{"TH", "タイ", "Thailand", "Bangkok", "Asia/Bangkok", "+66 2 123 4500"},
	{"CN", "中国", "China", "Shanghai", "Asia/Shanghai", "+86 21 1234 5600"},
	{"NL", "オランダ", "Netherlands", "Amsterdam", "Europe/Amsterdam", "+31 20 123 4500"},
};
const size_t seed_nabroad = COUNT(seed_abroad);

const struct seed_kind seed_kinds[] = {
	{"finance", "銀行", "Bank", "bank", "co.jp", SEED_CORP},
	{"finance", "信用金庫", "Shinkin Bank", "shinkin", "co.jp", 0},
	{"finance", "証券", "Securities", "securities", "co.jp", SEED_CORP},
	{"finance", "生命保険", "Life Insurance", "life", "co.jp", SEED_CORP},
	{"finance", "損害保険", "Fire & Marine Insurance", "insurance", "co.jp", SEED_CORP},
	{"finance", "カード", "Card", "card", "co.jp", SEED_CORP},
	{"finance", "信用組合", "Credit Union", "credit", "or.jp", 0},
	{"ict", "通信", "Telecom", "telecom", "ne.jp", SEED_CORP | SEED_PROVIDER},
	{"ict", "システムズ", "Systems", "systems", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"ict", "ネットワークス", "Networks", "networks", "ne.jp", SEED_CORP | SEED_PROVIDER},
	{"ict", "データセンター", "Data Center", "dc", "co.jp", SEED_CORP | SEED_PROVIDER},
	{"ict", "ソフトウェア", "Software", "software", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"ict", "インターネット", "Internet", "internet", "ad.jp", SEED_CORP | SEED_PROVIDER},
	{"ict", "セキュリティ", "Security", "security", "co.jp", SEED_CORP},
	{"ict", "情報サービス", "Information Services", "infoserv", "co.jp", SEED_CORP},
	{"manufacturing", "電機", "Electric", "electric", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"manufacturing", "製作所", "Works", "works", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"manufacturing", "化学", "Chemical", "chemical", "co.jp", SEED_CORP},
	{"manufacturing", "自動車", "Motor", "motor", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"manufacturing", "製鉄", "Steel", "steel", "co.jp", SEED_CORP},
	{"manufacturing", "精密", "Precision", "precision", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"manufacturing", "重工業", "Heavy Industries", "heavy", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"manufacturing", "食品", "Foods", "foods", "co.jp", SEED_CORP},
	{"manufacturing", "製紙", "Paper", "paper", "co.jp", SEED_CORP},
	{"manufacturing", "電子", "Electronics", "electronics", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"construction", "建設", "Construction", "construction", "co.jp", SEED_CORP},
	{"construction", "工務店", "Builders", "builders", "co.jp", SEED_CORP},
	{"construction", "ハウス", "Homes", "homes", "co.jp", SEED_CORP},
	{"construction", "設計", "Architects", "architects", "co.jp", SEED_CORP},
	{"distribution", "商事", "Trading", "trading", "co.jp", SEED_CORP},
	{"distribution", "百貨店", "Department Store", "dept", "co.jp", SEED_CORP},
	{"distribution", "ストア", "Stores", "stores", "co.jp", SEED_CORP},
	{"distribution", "物流", "Logistics", "logistics", "co.jp", SEED_CORP},
	{"distribution", "薬品", "Drugstores", "drug", "co.jp", SEED_CORP},
	{"education", "大学", "University", "univ", "ac.jp", 0},
	{"education", "工業大学", "Institute of Technology", "tech", "ac.jp", 0},
	{"education", "高等専門学校", "College of Technology", "kosen", "ac.jp", 0},
	{"education", "学園", "Gakuen", "gakuen", "ac.jp", 0},
	{"public", "市", "City", "city", "lg.jp", 0},
	{"public", "町", "Town", "town", "lg.jp", 0},
	{"public", "公社", "Public Corporation", "kosha", "or.jp", 0},
	{"public", "水道局", "Waterworks Bureau", "water", "lg.jp", 0},
	{"medical", "病院", "Hospital", "hospital", "or.jp", 0},
	{"medical", "医療センター", "Medical Center", "medical", "or.jp", 0},
	{"medical", "製薬", "Pharmaceutical", "pharma", "co.jp", SEED_CORP | SEED_PRODUCT},
	{"medical", "健康保険組合", "Health Insurance Society", "kenpo", "or.jp", 0},
	{"energy", "電力", "Electric Power", "power", "co.jp", SEED_CORP},
	{"energy", "ガス", "Gas", "gas", "co.jp", SEED_CORP},
	{"energy", "石油", "Oil", "oil", "co.jp", SEED_CORP},
	{"energy", "エネルギー", "Energy", "energy", "co.jp", SEED_CORP},
	{"transport", "鉄道", "Railway", "railway", "co.jp", SEED_CORP},
	{"transport", "航空", "Airlines", "airlines", "co.jp", SEED_CORP},
	{"transport", "海運", "Shipping", "shipping", "co.jp", SEED_CORP},
	{"transport", "交通", "Transit", "transit", "co.jp", SEED_CORP},
	{"transport", "運輸", "Transport", "transport", "co.jp", SEED_CORP},
	{"media", "放送", "Broadcasting", "broadcasting", "co.jp", SEED_CORP},
	{"media", "新聞社", "Shimbun", "shimbun", "co.jp", SEED_CORP},
	{"media", "出版", "Publishing", "publishing", "co.jp", SEED_CORP},
	{"media", "テレビ", "Television", "tv", "co.jp", SEED_CORP},
	{"other", "不動産", "Real Estate", "realestate", "co.jp", SEED_CORP},
	{"other", "ホテルズ", "Hotels", "hotels", "co.jp", SEED_CORP},
	{"other", "旅行", "Travel", "travel", "co.jp", SEED_CORP},
	{"other", "コンサルティング", "Consulting", "consulting", "co.jp", SEED_CORP},
	{"other", "人材サービス", "Staffing", "staffing", "co.jp", SEED_CORP},
};
const size_t seed_nkinds = COUNT(seed_kinds);

/* Roughly the association's membership: information and communications
 * first, then manufacturing and finance. */
const struct seed_sector seed_sectors[] = {
	{"ict", 28}, {"manufacturing", 20}, {"finance", 14}, {"distribution", 7}, {"education", 6},
	{"construction", 4}, {"public", 4}, {"medical", 5}, {"energy", 3}, {"transport", 4},
	{"media", 3}, {"other", 2},
};
const size_t seed_nsectors = COUNT(seed_sectors);

/* Each romanised stem is unique, so a name's slug is too. Words of
 * nature and good fortune, not the names of well-known companies. */
const struct seed_pair seed_stems[] = {
	{"丸", "Maru"}, {"みらい", "Mirai"}, {"日の出", "Hinode"}, {"さくら", "Sakura"}, {"青葉", "Aoba"},
	{"若葉", "Wakaba"}, {"白鳥", "Hakucho"}, {"七星", "Nanahoshi"}, {"八雲", "Yakumo"}, {"銀河", "Ginga"},
	{"つばさ", "Tsubasa"}, {"虹", "Niji"}, {"光洋", "Koyo"}, {"共栄", "Kyoei"}, {"湘南", "Shonan"},
	{"瀬戸内", "Setouchi"}, {"松風", "Matsukaze"}, {"大地", "Daichi"}, {"菱", "Hishi"}, {"竹", "Take"},
	{"梅", "Ume"}, {"桐", "Kiri"}, {"柏", "Kashiwa"}, {"楓", "Kaede"}, {"椿", "Tsubaki"},
	{"葵", "Aoi"}, {"菊", "Kiku"}, {"萩", "Hagi"}, {"常盤", "Tokiwa"}, {"飛鳥", "Asuka"},
	{"黎明", "Reimei"}, {"暁", "Akatsuki"}, {"緑", "Midori"}, {"黄金", "Kogane"}, {"白山", "Hakusan"},
	{"立山", "Tateyama"}, {"阿蘇", "Aso"}, {"浅間", "Asama"}, {"琵琶湖", "Biwako"}, {"十和田", "Towada"},
	{"吉野", "Yoshino"}, {"嵐山", "Arashiyama"}, {"芙蓉", "Fuyo"}, {"若草", "Wakakusa"}, {"清流", "Seiryu"},
	{"大空", "Ozora"}, {"天神", "Tenjin"}, {"栄", "Sakae"}, {"港", "Minato"}, {"朝霧", "Asagiri"},
	{"夕凪", "Yunagi"}, {"曙", "Akebono"}, {"雲雀", "Hibari"}, {"隼", "Hayabusa"}, {"鳳", "Otori"},
	{"鶴", "Tsuru"}, {"亀", "Kame"}, {"松", "Matsu"}, {"丸の内", "Marunouchi"}, {"大樹", "Taiju"},
	{"瑞光", "Zuiko"}, {"旭日", "Kyokujitsu"}, {"日向", "Hyuga"}, {"霞", "Kasumi"}, {"蛍", "Hotaru"},
	{"きらめき", "Kirameki"}, {"渚", "Nagisa"}, {"梢", "Kozue"}, {"潮騒", "Shiosai"}, {"空色", "Sorairo"},
	{"花火", "Hanabi"}, {"夕月", "Yuzuki"}, {"瑞樹", "Mizuki"}, {"寿", "Kotobuki"}, {"巴", "Tomoe"},
	{"泉", "Izumi"}, {"さざなみ", "Sazanami"}, {"はまなす", "Hamanasu"}, {"すずらん", "Suzuran"},
	{"なでしこ", "Nadeshiko"}, {"紫陽花", "Ajisai"}, {"ひなた", "Hinata"}, {"銀杏", "Icho"}, {"若竹", "Wakatake"},
	{"朝凪", "Asanagi"}, {"白樺", "Shirakaba"}, {"山桜", "Yamazakura"}, {"月見", "Tsukimi"}, {"千鳥", "Chidori"},
};
const size_t seed_nstems = COUNT(seed_stems);

const struct seed_pair seed_family_names[] = {
	{"佐藤", "Sato"}, {"鈴木", "Suzuki"}, {"高橋", "Takahashi"}, {"田中", "Tanaka"}, {"伊藤", "Ito"},
	{"渡辺", "Watanabe"}, {"山本", "Yamamoto"}, {"中村", "Nakamura"}, {"小林", "Kobayashi"}, {"加藤", "Kato"},
	{"吉田", "Yoshida"}, {"山田", "Yamada"}, {"佐々木", "Sasaki"}, {"山口", "Yamaguchi"}, {"松本", "Matsumoto"},
	{"井上", "Inoue"}, {"木村", "Kimura"}, {"林", "Hayashi"}, {"斎藤", "Saito"}, {"清水", "Shimizu"},
	{"山崎", "Yamazaki"}, {"森", "Mori"}, {"池田", "Ikeda"}, {"橋本", "Hashimoto"}, {"阿部", "Abe"},
	{"石川", "Ishikawa"}, {"前田", "Maeda"}, {"藤田", "Fujita"}, {"小川", "Ogawa"}, {"岡田", "Okada"},
	{"後藤", "Goto"}, {"長谷川", "Hasegawa"},
};
const size_t seed_nfamily_names = COUNT(seed_family_names);

const struct seed_pair seed_given_names[] = {
	{"太郎", "Taro"}, {"花子", "Hanako"}, {"健", "Ken"}, {"翔太", "Shota"}, {"陽子", "Yoko"},
	{"直樹", "Naoki"}, {"美咲", "Misaki"}, {"大輔", "Daisuke"}, {"恵", "Megumi"}, {"拓也", "Takuya"},
	{"由美", "Yumi"}, {"誠", "Makoto"}, {"愛", "Ai"}, {"亮", "Ryo"}, {"彩", "Aya"},
	{"健一", "Kenichi"}, {"裕子", "Yuko"}, {"学", "Manabu"}, {"真由美", "Mayumi"}, {"隆", "Takashi"},
};
const size_t seed_ngiven_names = COUNT(seed_given_names);

const struct seed_pair seed_towns[] = {
	{"中央", "Chuo"}, {"本町", "Honcho"}, {"栄町", "Sakaemachi"}, {"駅前", "Ekimae"}, {"港町", "Minatomachi"},
	{"緑町", "Midoricho"}, {"旭町", "Asahicho"}, {"東町", "Higashimachi"}, {"西町", "Nishimachi"},
	{"南町", "Minamimachi"}, {"北町", "Kitamachi"}, {"幸町", "Saiwaicho"}, {"錦町", "Nishikicho"},
};
const size_t seed_ntowns = COUNT(seed_towns);

const struct seed_pair seed_departments[] = {
	{"情報システム管理部門系", "information systems"},
	{"セキュリティ対策部門系", "information security"},
	{"リスク対策部門系", "risk management"},
	{"経営企画部門系", "corporate planning"},
	{"品質保証部門系", "quality assurance"},
	{"研究開発部門系", "research and development"},
};
const size_t seed_ndepartments = COUNT(seed_departments);

const struct seed_region seed_regions[] = {
	{"hokkaido", "北海道", "Hokkaido"}, {"tohoku", "東北", "Tohoku"}, {"kanto", "関東", "Kanto"},
	{"chubu", "中部", "Chubu"}, {"kansai", "関西", "Kansai"}, {"chugoku", "中国", "Chugoku"},
	{"shikoku", "四国", "Shikoku"}, {"kyushu", "九州", "Kyushu"}, {"okinawa", "沖縄", "Okinawa"},
	{"overseas", "海外", "overseas"}, {NULL, NULL, NULL},
};

/* The first four are for any team; PSIRT only for product makers. */
const struct seed_suffix seed_suffixes[] = {
	{"CSIRT", "CSIRT", "CSIRT"},
	{"SIRT", "SIRT", "SIRT"},
	{"CERT", "CERT", "CERT"},
	{"セキュリティインシデント対応チーム", "Security Incident Response Team", "SIRT"},
	{"サイバーセキュリティセンター", "Cyber Security Center", "CSC"},
	{"PSIRT", "PSIRT", "PSIRT"},
};
const size_t seed_nsuffixes = COUNT(seed_suffixes);

/* Placeholders: {team} {team_ja} {host} {host_ja} {region} {region_ja}
 * {domain} {email} {year} {dept} {dept_ja}. */
const struct seed_text seed_rfc2350[] = {
	{"mission",
	 "{team_ja}は{host_ja}のコンピュータセキュリティインシデント対応チームです。インシデントへの対応を調整し、"
	 "他のチームと情報を共有し、組織全体のセキュリティ意識を高めることで、{host_ja}の情報資産とお客様を守ることを使命としています。",
	 "{team} is the computer security incident response team of {host}. Our mission is to protect the information "
	 "assets of {host} and its customers by coordinating the response to security incidents, sharing information "
	 "with other teams and raising security awareness across the organisation."},
	{"constituency",
	 "{host_ja}およびグループ会社の従業員、システム、ネットワーク（{domain} を含む）。",
	 "Employees, systems and networks of {host} and its group companies in {region}, including {domain}."},
	{"sponsorship",
	 "{team_ja}は{host_ja}の{dept_ja}に属し、その予算で運営されています。",
	 "{team} is part of the {dept} function of {host}, which funds it."},
	{"authority",
	 "{team_ja}は{host_ja}の最高情報セキュリティ責任者（CISO）の権限の下で活動します。",
	 "{team} operates under the authority of the chief information security officer of {host}."},
	{"policy_incident_types",
	 "対象範囲に影響するあらゆる種類のセキュリティインシデント（マルウェア感染、不正アクセス、サービス妨害、フィッシング、情報漏えい）を扱います。",
	 "All kinds of computer security incidents affecting our constituency: malware infections, unauthorised access, "
	 "denial of service, phishing and information leaks."},
	{"policy_cooperation",
	 "TLP 2.0 に従い、他の CSIRT、JPCERT/CC および協議会の加盟チームと協力します。情報は TLP の範囲内でのみ共有します。",
	 "We cooperate with other CSIRTs, JPCERT/CC and the association's member teams under TLP 2.0; information is "
	 "shared only as far as its TLP label allows."},
	{"policy_communication",
	 "機密性の高い情報は暗号化メール（OpenPGP）で、緊急時は電話でご連絡ください。",
	 "Use encrypted mail (OpenPGP) for sensitive information and the telephone for urgent matters."},
	{"services",
	 "インシデント対応、脆弱性ハンドリング、注意喚起、ログ分析、セキュリティ教育。",
	 "Incident response, vulnerability handling, security alerts and advisories, log analysis and security "
	 "awareness training."},
	{"incident_reporting",
	 "インシデントは {email} へ、発生日時、関係するシステム、観測内容を添えてご報告ください（24時間受付）。",
	 "Report incidents to {email} (around the clock) with the time, the systems involved and what you observed."},
};
const size_t seed_nrfc2350 = COUNT(seed_rfc2350);

/* The association's own directory texts: 概要, 設立の経緯・背景,
 * 会社内における位置づけおよび活動内容. */
const struct seed_text seed_own_texts[] = {
	{"overview",
	 "{host_ja}のCSIRTとして{year}年に設立。{region_ja}を拠点に、グループ全体のセキュリティインシデント対応を担っています。",
	 "Founded in {year} as the CSIRT of {host}; based in {region}, it handles security incidents across the group."},
	{"background",
	 "{year}年に発生した標的型攻撃を契機に、情報システム部門とリスク管理部門の有志で発足しました。",
	 "Started in {year} by volunteers from information systems and risk management after a targeted attack on "
	 "the group."},
	{"position_and_activities",
	 "{dept_ja}に属し、社内の各部署と連携して脆弱性情報の収集、インシデント対応訓練、社員教育を行っています。",
	 "Part of the {dept} function; works with every department on vulnerability information, incident response "
	 "exercises and staff training."},
};
const size_t seed_nown_texts = COUNT(seed_own_texts);
