"""Static tables for ``seed_scale`` (ledgers/scale_seed.py): pure data, no logic, like
integrity/org/demo_data.py. The provinces are real (with their numbers of prefecture- and
county-level divisions, which weigh how many courts each gets); the place names, firms and
texts are plausible inventions, and any match with a real court or firm is accidental."""

# (code, full name, short name, prefecture-level divisions, county-level divisions): the
# divisions weigh how many intermediate and basic courts each province gets.
PROVINCES = [
    ("京", "北京市", "北京", 4, 16),
    ("津", "天津市", "天津", 3, 16),
    ("冀", "河北省", "河北", 11, 167),
    ("晋", "山西省", "山西", 11, 117),
    ("蒙", "内蒙古自治区", "内蒙古", 12, 103),
    ("辽", "辽宁省", "辽宁", 14, 100),
    ("吉", "吉林省", "吉林", 9, 60),
    ("黑", "黑龙江省", "黑龙江", 13, 121),
    ("沪", "上海市", "上海", 3, 16),
    ("苏", "江苏省", "江苏", 13, 95),
    ("浙", "浙江省", "浙江", 11, 90),
    ("皖", "安徽省", "安徽", 16, 104),
    ("闽", "福建省", "福建", 9, 84),
    ("赣", "江西省", "江西", 11, 100),
    ("鲁", "山东省", "山东", 16, 136),
    ("豫", "河南省", "河南", 17, 157),
    ("鄂", "湖北省", "湖北", 13, 103),
    ("湘", "湖南省", "湖南", 14, 122),
    ("粤", "广东省", "广东", 21, 122),
    ("桂", "广西壮族自治区", "广西", 14, 111),
    ("琼", "海南省", "海南", 4, 23),
    ("渝", "重庆市", "重庆", 5, 38),
    ("川", "四川省", "四川", 21, 183),
    ("贵", "贵州省", "贵州", 9, 88),
    ("云", "云南省", "云南", 16, 129),
    ("藏", "西藏自治区", "西藏", 7, 74),
    ("陕", "陕西省", "陕西", 10, 107),
    ("甘", "甘肃省", "甘肃", 14, 86),
    ("青", "青海省", "青海", 8, 44),
    ("宁", "宁夏回族自治区", "宁夏", 5, 22),
    ("新", "新疆维吾尔自治区", "新疆", 14, 107),
]
MUNICIPALITIES = {"京", "津", "沪", "渝"}
# The national shares: 31 high, about 400 intermediate and 3,070 basic courts.
INTERMEDIATE_SHARE = 400 / 3500
PROVINCE_SHARE = 31 / 3500
# Staff per court relative to --staff-per-court, so that the average stays at that figure.
STAFF_FACTOR = {"high": 3.0, "intermediate": 1.8, "basic": 0.875}
DEPARTED_SHARE = 0.08
STAFF_NUMBER_PREFIX = "N"

PLACE_CHARS = (
    "安宁平阳昌泰兴华德丰永嘉清和康乐宝庆福寿金石江河湖山川林原岭峰溪海滨洲城东西南北中新长"
    "隆盛定远广通明光荣春秋云龙凤鹤松柏桐梅兰竹临沂丹凌桂梧榆柳杨桃樱霞彩"
)
CHINESE_NUMERALS = "一二三四五六七八九十"
FIRM_WORDS = [
    "同方",
    "恒信",
    "华夏",
    "正阳",
    "浩天",
    "北方",
    "鼎诚",
    "东方",
    "海华",
    "滨海",
    "金桥",
    "明德",
    "至诚",
    "衡平",
    "公正",
    "天元",
    "信达",
    "德恒",
    "君合",
    "汇才",
]


CASE_TYPES_BASIC = ["民初", "民初", "民初", "刑初", "行初", "执", "执", "执恢", "执保", "法赔"]
CASE_TYPES_UPPER = ["民初", "民终", "民终", "刑终", "行终", "民再", "执", "执复", "委赔", "刑初"]
STAGE_OF_TYPE = {"执": "enforcement", "执恢": "enforcement", "执保": "enforcement"}
STAGE_OF_TYPE |= {"执复": "enforcement", "民再": "retrial"}
UNITS_INTERNAL = ["本院审判管理办公室", "本院执行局", "上级法院", "本院立案庭", "本院政治部"]
UNITS_EXTERNAL = [
    "区人大常委会",
    "县委政法委",
    "市人民政府办公室",
    "区发展和改革局",
    "县公安局",
    "镇人民政府",
    "市住房和城乡建设局",
    "县自然资源局",
]
POSTS_INTERNAL = ["审判员", "副庭长", "执行员", "法官助理", "副院长"]
POSTS_EXTERNAL = ["副主任", "局长", "副局长", "科长", "镇长", "办公室主任"]
RELATIONS = ["当事人亲属", "当事人同学", "当事人同事", "当事人朋友", "无", "代理律师同学"]
INQUIRY_CONTENT = [
    "询问案件审理进度",
    "询问案件开庭时间",
    "为当事人说情",
    "打听合议庭评议意见",
    "询问财产保全情况",
    "转交当事人材料",
    "询问执行款发放时间",
    "要求尽快结案",
]
PLACES = ["办公室", "电话", "法院门口", "茶楼", "饭店", "小区会所", "微信"]
SCREENING_NOTES = {True: "属违规过问，已报告院党组", False: "属正常履职过问，已记录在案"}
INTERMEDIARY_SUFFIX = {
    "audit": "会计师事务所",
    "valuation": "资产评估有限公司",
    "auction": "拍卖有限公司",
    "inspection": "检测技术有限公司",
    "bankruptcy": "破产清算事务所",
    "notary": "公证处",
    "forensic": "司法鉴定所",
}
CONTACT_DESCRIPTIONS = [
    "接受当事人宴请",
    "向律师透露合议庭评议情况",
    "为当事人介绍代理律师",
    "向中介机构人员借款",
    "非工作时间与律师私下会见",
    "收受当事人购物卡",
]
APPROVAL_PURPOSES = ["同学聚会", "亲属婚宴", "老乡聚会", "参加学术研讨", "探望病人"]
DECISION_NOTES = ["同意，不得谈论案件", "不同意", "同意，事后报告"]
CIRCUMSTANCES = ["偶遇，简单寒暄", "在超市偶遇，未谈及案件", "参加婚宴时同桌", "乘坐高铁邻座"]
REVIEW_NOTES = ["已审核，无异常", "已审核，提醒注意回避", "已审核"]
EMPLOYERS = ["", "", "某科技有限公司", "某律师事务所法律顾问", "某高校", "社区居委会", "无"]
ACTIVITIES = ["", "退休在家", "从事教学工作", "企业法务", "从事公益活动"]
VOID_REASONS = ["录入错误，重复登记", "登记对象有误", "当事人身份登记错误"]

RELATIONSHIP_WEIGHTS = [
    ("spouse", 25),
    ("son", 10),
    ("daughter", 10),
    ("father", 5),
    ("mother", 3),
    ("brother", 12),
    ("sister", 10),
    ("spouse_parent", 3),
    ("spouse_sibling", 10),
    ("child_spouse", 5),
    ("child_spouse_parent", 2),
    ("other", 5),
]
# Relatives who usually carry the staff member's surname.
SAME_SURNAME = {"son", "daughter", "father", "brother", "sister"}
LEGAL_ROLE_WEIGHTS = [
    ("partner", 10),
    ("lawyer", 60),
    ("legal_adviser", 10),
    ("firm_staff", 10),
    ("other_paid_service", 10),
]
COUNTERPART_WEIGHTS = [
    ("party", 35),
    ("lawyer", 35),
    ("special_relation", 15),
    ("intermediary", 15),
]
REGULATION_WEIGHTS = [("internal", 50), ("leading_cadre", 20), ("contact", 30)]
INTERFERENCE_STATUS = [("recorded", 30), ("screened", 40), ("reported", 15), ("closed", 15)]
CONTACT_CASE_STATUS = [("registered", 20), ("verifying", 20), ("handled", 45), ("dismissed", 15)]
APPROVAL_STATUS = [("requested", 15), ("approved", 65), ("refused", 10), ("withdrawn", 10)]
RECUSAL_STATUS = [("pending", 30), ("implemented", 50), ("resolved", 20)]
DEPARTED_STATUS = [("retired", 40), ("resigned", 30), ("transferred", 25), ("dismissed", 5)]
