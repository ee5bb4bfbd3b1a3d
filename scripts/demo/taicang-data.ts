/**
 * Static material for the Taicang demo year: schools by town, people's names, titles and topics. Plausible, not
 * official: names follow local patterns (太仓市…小学, 民工子弟学校) without claiming to list the real schools.
 */
import type { SchoolKind } from '@qingmiao/schema';

const TOWNS = [
  '城厢镇',
  '沙溪镇',
  '浏河镇',
  '浮桥镇',
  '璜泾镇',
  '双凤镇',
  '娄东街道',
  '陆渡街道',
  '科教新城',
  '太仓港经济技术开发区',
] as const;
export type Town = (typeof TOWNS)[number];

export interface SchoolSeed {
  readonly id: string;
  readonly name: string;
  readonly kind: SchoolKind;
  readonly town: Town;
  readonly private?: true;
}

const K: SchoolKind = 'KINDERGARTEN';
const P: SchoolKind = 'PRIMARY';
const J: SchoolKind = 'JUNIOR_HIGH';
const S: SchoolKind = 'SENIOR_HIGH';
const N: SchoolKind = 'NINE_YEAR';
const V: SchoolKind = 'VOCATIONAL';
const X: SchoolKind = 'SPECIAL';
const M: SchoolKind = 'MIGRANT';

const school = (town: Town, id: string, name: string, kind: SchoolKind, isPrivate = false): SchoolSeed =>
  isPrivate ? { id, name, kind, town, private: true } : { id, name, kind, town };

/** 100 schools: 32 kindergartens, 30 primary, 14 junior high, 6 senior high, 6 nine-year, 3 vocational, 1 special, 8 migrant. */
export const SCHOOLS: readonly SchoolSeed[] = [
  school('城厢镇', 'tc-shiyan-xiaoxue', '太仓市实验小学', P),
  school('城厢镇', 'cx-yixiao', '太仓市城厢镇第一小学', P),
  school('城厢镇', 'cx-erxiao', '太仓市城厢镇第二小学', P),
  school('城厢镇', 'cx-sixiao', '太仓市城厢镇第四小学', P),
  school('城厢镇', 'tc-yanshan-xiaoxue', '太仓市弇山小学', P),
  school('城厢镇', 'tc-nanjiao-xiaoxue', '太仓市南郊小学', P),
  school('城厢镇', 'tc-shiyan-zhongxue', '太仓市实验中学', J),
  school('城厢镇', 'tc-yizhong', '太仓市第一中学', J),
  school('城厢镇', 'tc-sanzhong', '太仓市第三中学', J),
  school('城厢镇', 'tc-shiyan-gaozhong', '太仓市实验高级中学', S),
  school('城厢镇', 'tc-hongyi-xuexiao', '太仓市弘毅实验学校', N, true),
  school('城厢镇', 'tc-teshu-jiaoyu', '太仓市特殊教育学校', X),
  school('城厢镇', 'tc-shiyan-youeryuan', '太仓市实验幼儿园', K),
  school('城厢镇', 'cx-yiyou', '太仓市城厢镇第一幼儿园', K),
  school('城厢镇', 'cx-dongmen-youeryuan', '太仓市城厢镇东门幼儿园', K),
  school('城厢镇', 'cx-taiping-youeryuan', '太仓市城厢镇太平幼儿园', K),
  school('城厢镇', 'tc-beilei-youeryuan', '太仓市蓓蕾幼儿园', K, true),

  school('沙溪镇', 'sx-shiyan-xiaoxue', '太仓市沙溪实验小学', P),
  school('沙溪镇', 'sx-yixiao', '太仓市沙溪镇第一小学', P),
  school('沙溪镇', 'sx-zhitang-xiaoxue', '太仓市沙溪镇直塘小学', P),
  school('沙溪镇', 'sx-guizhuang-xiaoxue', '太仓市沙溪镇归庄小学', P),
  school('沙溪镇', 'sx-yuewang-xuexiao', '太仓市沙溪镇岳王学校', N),
  school('沙溪镇', 'sx-yizhong', '太仓市沙溪第一中学', J),
  school('沙溪镇', 'sx-erzhong', '太仓市沙溪第二中学', J),
  school('沙溪镇', 'sx-gaozhong', '江苏省沙溪高级中学', S),
  school('沙溪镇', 'tc-dier-zhongzhuan', '太仓市第二中等专业学校', V),
  school('沙溪镇', 'sx-shiyan-youeryuan', '太仓市沙溪镇实验幼儿园', K),
  school('沙溪镇', 'sx-zhitang-youeryuan', '太仓市沙溪镇直塘幼儿园', K),
  school('沙溪镇', 'sx-yuewang-youeryuan', '太仓市沙溪镇岳王幼儿园', K),
  school('沙溪镇', 'sx-guizhuang-youeryuan', '太仓市沙溪镇归庄幼儿园', K),
  school('沙溪镇', 'sx-songnan-youeryuan', '太仓市沙溪镇松南幼儿园', K, true),
  school('沙溪镇', 'sx-mingong-zidi', '太仓市沙溪民工子弟学校', M, true),

  school('浏河镇', 'lh-zhongxin-xiaoxue', '太仓市浏河镇中心小学', P),
  school('浏河镇', 'lh-mingde-xiaoxue', '太仓市明德小学', P),
  school('浏河镇', 'lh-zhenghe-xiaoxue', '太仓市浏河镇郑和小学', P),
  school('浏河镇', 'lh-xintang-xuexiao', '太仓市浏河镇新塘学校', N),
  school('浏河镇', 'lh-zhongxue', '太仓市浏河中学', J),
  school('浏河镇', 'lh-mingde-gaozhong', '太仓市明德高级中学', S),
  school('浏河镇', 'lh-youeryuan', '太仓市浏河镇中心幼儿园', K),
  school('浏河镇', 'lh-xintang-youeryuan', '太仓市浏河镇新塘幼儿园', K),
  school('浏河镇', 'lh-boai-youeryuan', '太仓市浏河镇博爱幼儿园', K, true),
  school('浏河镇', 'lh-mingong-zidi', '太仓市浏河民工子弟学校', M, true),

  school('浮桥镇', 'fq-zhongxin-xiaoxue', '太仓市浮桥镇中心小学', P),
  school('浮桥镇', 'fq-liujiagang-xiaoxue', '太仓市浮桥镇浏家港小学', P),
  school('浮桥镇', 'fq-laozha-xuexiao', '太仓市浮桥镇老闸学校', N),
  school('浮桥镇', 'fq-zhongxue', '太仓市浮桥中学', J),
  school('浮桥镇', 'fq-youeryuan', '太仓市浮桥镇中心幼儿园', K),
  school('浮桥镇', 'fq-shisi-youeryuan', '太仓市浮桥镇时思幼儿园', K),
  school('浮桥镇', 'fq-jiuqu-youeryuan', '太仓市浮桥镇九曲幼儿园', K),
  school('浮桥镇', 'fq-mingong-zidi', '太仓市浮桥民工子弟学校', M, true),

  school('璜泾镇', 'hj-zhongxin-xiaoxue', '太仓市璜泾镇中心小学', P),
  school('璜泾镇', 'hj-luhe-xiaoxue', '太仓市璜泾镇鹿河小学', P),
  school('璜泾镇', 'hj-yangcao-xiaoxue', '太仓市璜泾镇杨漕小学', P),
  school('璜泾镇', 'hj-wangxiu-xuexiao', '太仓市璜泾镇王秀学校', N),
  school('璜泾镇', 'hj-zhongxue', '太仓市璜泾中学', J),
  school('璜泾镇', 'hj-youeryuan', '太仓市璜泾镇中心幼儿园', K),
  school('璜泾镇', 'hj-luhe-youeryuan', '太仓市璜泾镇鹿河幼儿园', K),
  school('璜泾镇', 'hj-yalu-youeryuan', '太仓市璜泾镇雅鹿幼儿园', K),
  school('璜泾镇', 'hj-mingong-zidi', '太仓市璜泾民工子弟学校', M, true),

  school('双凤镇', 'sf-zhongxin-xiaoxue', '太仓市双凤镇中心小学', P),
  school('双凤镇', 'sf-weixin-xiaoxue', '太仓市双凤镇维新小学', P),
  school('双凤镇', 'sf-xinhu-xuexiao', '太仓市双凤镇新湖学校', N),
  school('双凤镇', 'sf-zhongxue', '太仓市双凤中学', J),
  school('双凤镇', 'sf-youeryuan', '太仓市双凤镇中心幼儿园', K),
  school('双凤镇', 'sf-xinhu-youeryuan', '太仓市双凤镇新湖幼儿园', K),

  school('娄东街道', 'ld-loudong-xiaoxue', '太仓市娄东小学', P),
  school('娄东街道', 'ld-chaoyang-xiaoxue', '太仓市朝阳小学', P),
  school('娄东街道', 'ld-xinqu-erxiao', '太仓市新区第二小学', P),
  school('娄东街道', 'tc-erzhong', '太仓市第二中学', J),
  school('娄东街道', 'ld-xinqu-zhongxue', '太仓市新区中学', J),
  school('娄东街道', 'ld-loudong-youeryuan', '太仓市娄东幼儿园', K),
  school('娄东街道', 'ld-loujiang-youeryuan', '太仓市娄江幼儿园', K),
  school('娄东街道', 'ld-xinqu-youeryuan', '太仓市新区幼儿园', K),
  school('娄东街道', 'ld-jinse-youeryuan', '太仓市金色童年幼儿园', K, true),
  school('娄东街道', 'ld-mingong-zidi', '太仓市娄东民工子弟学校', M, true),

  school('陆渡街道', 'lu-zhongxin-xiaoxue', '太仓市陆渡中心小学', P),
  school('陆渡街道', 'lu-dier-xiaoxue', '太仓市陆渡第二小学', P),
  school('陆渡街道', 'lu-zhongxue', '太仓市陆渡中学', J),
  school('陆渡街道', 'lu-youeryuan', '太仓市陆渡幼儿园', K),
  school('陆渡街道', 'lu-guangming-youeryuan', '太仓市陆渡光明幼儿园', K),
  school('陆渡街道', 'lu-mingong-zidi', '太仓市陆渡民工子弟学校', M, true),
  school('陆渡街道', 'lu-xinmin-zidi', '太仓市陆渡新民民工子弟学校', M, true),

  school('科教新城', 'kj-shiyan-xiaoxue', '太仓市科教新城实验小学', P),
  school('科教新城', 'kj-tianjinghu-xiaoxue', '太仓市天镜湖小学', P),
  school('科教新城', 'kj-jianxiong-xiaoxue', '太仓市健雄小学', P),
  school('科教新城', 'kj-shiyan-zhongxue', '太仓市科教新城实验中学', J),
  school('科教新城', 'tc-gaozhong', '江苏省太仓高级中学', S),
  school('科教新城', 'kj-yinghua-gaozhong', '太仓市英华高级中学', S, true),
  school('科教新城', 'tc-zhongzhuan', '江苏省太仓中等专业学校', V),
  school('科教新城', 'kj-shiyan-youeryuan', '太仓市科教新城实验幼儿园', K),
  school('科教新城', 'kj-tianjinghu-youeryuan', '太仓市天镜湖幼儿园', K),
  school('科教新城', 'kj-nanyang-youeryuan', '太仓市科教新城南洋幼儿园', K),

  school('太仓港经济技术开发区', 'gq-gangcheng-xiaoxue', '太仓市港城小学', P),
  school('太仓港经济技术开发区', 'gq-shiyan-xiaoxue', '太仓港区实验小学', P),
  school('太仓港经济技术开发区', 'gq-gangcheng-zhongxue', '太仓市港城中学', J),
  school('太仓港经济技术开发区', 'gq-gangcheng-gaozhong', '太仓市港城高级中学', S),
  school('太仓港经济技术开发区', 'gq-gangkou-zhixiao', '太仓市港口职业技术学校', V),
  school('太仓港经济技术开发区', 'gq-youeryuan', '太仓港区中心幼儿园', K),
  school('太仓港经济技术开发区', 'gq-gangcheng-youeryuan', '太仓市港城幼儿园', K),
  school('太仓港经济技术开发区', 'gq-gangqu-zidi', '太仓港区民工子弟学校', M, true),
];

/** Students enrolled in 2022 by school kind: [min, max]. */
export const ENROLLMENT: Readonly<Record<SchoolKind, readonly [number, number]>> = {
  KINDERGARTEN: [220, 620],
  PRIMARY: [1100, 3200],
  JUNIOR_HIGH: [900, 2200],
  SENIOR_HIGH: [1500, 2800],
  NINE_YEAR: [900, 1900],
  VOCATIONAL: [2000, 4200],
  SPECIAL: [110, 190],
  MIGRANT: [450, 1300],
};

/** Grade names by school kind, lowest first. */
export const GRADES: Readonly<Record<SchoolKind, readonly string[]>> = {
  KINDERGARTEN: ['小班', '中班', '大班'],
  PRIMARY: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'],
  MIGRANT: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'],
  JUNIOR_HIGH: ['七年级', '八年级', '九年级'],
  NINE_YEAR: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级'],
  SENIOR_HIGH: ['高一', '高二', '高三'],
  VOCATIONAL: ['中专一年级', '中专二年级', '中专三年级'],
  SPECIAL: ['培智一年级', '培智二年级', '培智三年级', '培智四年级', '培智五年级', '培智六年级'],
};

/** Community venues (社区/村) by town, where 老园丁讲师团 talks also take place. */
export const COMMUNITIES: Readonly<Record<Town, readonly string[]>> = {
  城厢镇: ['东门社区', '西门社区', '南园社区', '太平社区', '胜利社区'],
  沙溪镇: ['沙南社区', '松南村', '泥桥村', '半泾村', '直塘社区'],
  浏河镇: ['闸北社区', '浏南社区', '何桥村', '东仓村'],
  浮桥镇: ['浮桥社区', '方桥村', '九曲村', '时思社区'],
  璜泾镇: ['璜泾社区', '鹿河社区', '雅鹿村', '王秀村'],
  双凤镇: ['双凤社区', '勤力村', '新湖社区'],
  娄东街道: ['娄江社区', '北门社区', '洛阳社区'],
  陆渡街道: ['陆渡社区', '郁家村', '三港村'],
  科教新城: ['天镜湖社区', '健雄社区', '南洋社区'],
  太仓港经济技术开发区: ['新港社区', '港城社区', '浏家港村'],
};

/** Surnames common in Taicang, with pinyin for ids. */
export const SURNAMES: readonly (readonly [string, string])[] = [
  ['顾', 'gu'],
  ['陆', 'lu'],
  ['沈', 'shen'],
  ['张', 'zhang'],
  ['王', 'wang'],
  ['陈', 'chen'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['朱', 'zhu'],
  ['钱', 'qian'],
  ['吴', 'wu'],
  ['李', 'li'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['金', 'jin'],
  ['邵', 'shao'],
  ['蒋', 'jiang'],
  ['浦', 'pu'],
  ['唐', 'tang'],
  ['孙', 'sun'],
  ['高', 'gao'],
  ['姚', 'yao'],
  ['许', 'xu'],
  ['施', 'shi'],
];

/** Given names of retired teachers (born in the 1940s–1950s), with pinyin for ids. */
export const ELDER_GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['建国', 'jianguo'],
  ['秀英', 'xiuying'],
  ['桂英', 'guiying'],
  ['志刚', 'zhigang'],
  ['国华', 'guohua'],
  ['玉兰', 'yulan'],
  ['建华', 'jianhua'],
  ['德明', 'deming'],
  ['文华', 'wenhua'],
  ['淑珍', 'shuzhen'],
  ['惠芳', 'huifang'],
  ['振华', 'zhenhua'],
  ['永康', 'yongkang'],
  ['美玲', 'meiling'],
  ['金宝', 'jinbao'],
  ['根生', 'gensheng'],
  ['雪英', 'xueying'],
  ['菊芬', 'jufen'],
  ['培元', 'peiyuan'],
  ['兴元', 'xingyuan'],
  ['宝林', 'baolin'],
  ['凤英', 'fengying'],
  ['荣生', 'rongsheng'],
  ['伯年', 'bonian'],
  ['锦章', 'jinzhang'],
  ['月琴', 'yueqin'],
  ['学文', 'xuewen'],
  ['耀祖', 'yaozu'],
];

/** Given names of teachers and parents. */
export const ADULT_GIVEN_NAMES: readonly string[] = [
  '丽',
  '静',
  '敏',
  '燕',
  '婷',
  '伟',
  '磊',
  '军',
  '芳',
  '晓燕',
  '海燕',
  '志强',
  '建军',
  '红梅',
  '雪梅',
  '丽华',
  '春燕',
  '玉芳',
  '晓东',
  '卫东',
  '慧',
  '蕾',
  '晓峰',
  '俊',
  '艳',
  '健',
  '云',
  '琴',
];

/** Given names of children. */
export const CHILD_GIVEN_NAMES: readonly string[] = [
  '子涵',
  '梓萱',
  '浩然',
  '一诺',
  '欣怡',
  '宇轩',
  '雨桐',
  '俊杰',
  '思远',
  '语嫣',
  '佳怡',
  '子墨',
  '沐阳',
  '若汐',
  '诗涵',
  '晨曦',
  '嘉懿',
  '皓轩',
  '奕辰',
  '可欣',
  '明轩',
  '雨泽',
  '梦瑶',
  '博文',
  '心怡',
  '天佑',
  '锦程',
  '安琪',
  '煜祺',
  '芷若',
  '睿',
  '悦',
  '昊',
  '涵',
  '轩',
  '瑶',
];

/** Judges from the bureau and partner units, by token subject. */
export const JUDGES: readonly { readonly sub: string; readonly name: string }[] = [
  { sub: 'judge-wang-hong', name: '王红' },
  { sub: 'judge-chen-jianping', name: '陈建平' },
  { sub: 'judge-zhou-min', name: '周敏' },
  { sub: 'judge-lu-weidong', name: '陆卫东' },
  { sub: 'judge-gu-xiaoyan', name: '顾晓燕' },
  { sub: 'judge-shen-yu', name: '沈瑜' },
  { sub: 'judge-xu-lihua', name: '徐丽华' },
  { sub: 'judge-qian-zhigang', name: '钱志刚' },
];

/** 《勋章》: the book tells the stories of the recipients of the Medal of the Republic. */
export const MEDAL_HEROES: readonly (readonly [string, '爷爷' | '奶奶'])[] = [
  ['于敏', '爷爷'],
  ['申纪兰', '奶奶'],
  ['孙家栋', '爷爷'],
  ['李延年', '爷爷'],
  ['张富清', '爷爷'],
  ['袁隆平', '爷爷'],
  ['黄旭华', '爷爷'],
  ['屠呦呦', '奶奶'],
  ['钟南山', '爷爷'],
];

export const MEDAL_TITLES: readonly ((hero: string, honorific: string) => string)[] = [
  (h) => `读《勋章》有感——致敬${h}`,
  (h, g) => `${h}${g}的勋章`,
  () => '一枚勋章 一生信仰',
  () => '勋章背后的初心',
  (h) => `向${h}学习`,
  (h) => `我读《勋章》:${h}的故事`,
  (h) => `平凡铸就伟大——读${h}的故事有感`,
  (h, g) => `${h}${g},我想对您说`,
  () => '勋章闪耀 精神永存',
];

export const SPACE_TOPICS: readonly string[] = [
  '神舟十三号',
  '天宫课堂',
  '嫦娥五号',
  '祝融号',
  '北斗导航',
  '问天实验舱',
];
export const ASTRONAUTS: readonly string[] = ['杨利伟', '王亚平', '翟志刚', '叶光富', '聂海胜'];

export const SPACE_TITLES: readonly ((topic: string, astronaut: string) => string)[] = [
  () => '读《筑梦九天》有感',
  () => '我的航天梦',
  () => '仰望星空 筑梦九天',
  (t) => `从${t}看中国航天精神`,
  (_, a) => `给${a}的一封信`,
  () => '如果我是航天员',
  () => '天宫课堂观后感',
  () => '追梦星辰大海',
  (t) => `${t}里的中国力量`,
];

export const CHILDLIKE_TITLES: readonly string[] = [
  '童心向党 喜迎二十大',
  '我给党妈妈画幅画',
  '家乡太仓变美了',
  '红领巾心向党',
  '我家的新变化',
  '我心中的党旗',
  '唱支山歌给党听',
  '爷爷讲的党史故事',
  '我眼中的新时代',
  '美丽的金仓湖',
  '郑和下西洋的故事',
  '我们的新学校',
  '奶奶的老照片',
];

export const KINDERGARTEN_TITLES: readonly string[] = [
  '亲子绘本:我爱中国',
  '我和爸爸妈妈画太仓',
  '亲子童谣:五星红旗我爱你',
  '亲子绘本:我们的节日',
];

/** 老少同台 programmes: genre, titles, minutes on stage [min, max]. */
export const SHOW_PROGRAMMES: readonly {
  readonly genre: string;
  readonly titles: readonly string[];
  readonly minutes: readonly [number, number];
}[] = [
  {
    genre: '合唱',
    titles: [
      '老少同唱《没有共产党就没有新中国》',
      '合唱《唱支山歌给党听》',
      '合唱《我和我的祖国》',
      '合唱《少年少年祖国的春天》',
    ],
    minutes: [4, 8],
  },
  { genre: '诗朗诵', titles: ['诗朗诵《少年中国说》', '诗朗诵《不忘初心》', '诗朗诵《红船》'], minutes: [3, 6] },
  { genre: '江南丝竹', titles: ['江南丝竹《欢乐歌》', '江南丝竹《行街》', '江南丝竹《中花六板》'], minutes: [6, 12] },
  { genre: '舞蹈', titles: ['舞蹈《童心向党》', '舞蹈《红星闪闪》', '舞蹈《茉莉花开》'], minutes: [4, 7] },
  {
    genre: '情景剧',
    titles: ['情景剧《红色家书》', '情景剧《郑和下西洋》', '情景剧《吴健雄的故事》'],
    minutes: [8, 15],
  },
  { genre: '快板', titles: ['快板《夸夸咱太仓》', '三句半《喜迎二十大》'], minutes: [3, 6] },
  { genre: '民乐合奏', titles: ['民乐合奏《我爱你中国》', '民乐合奏《茉莉花》'], minutes: [5, 9] },
];

/** 工作创新奖 projects, after the work plan's own initiatives. */
export const INNOVATION_PROJECTS: readonly string[] = [
  '“爷爷奶奶谈心热线”心理关爱项目',
  '“e家共同体”家庭教育课程建设',
  '“七彩夏日”校外辅导站',
  '老园丁宣讲“双菜单”',
  '“大手牵小手”结对帮扶',
  '“青蓝工程”导师制',
  '“温馨小屋”心理辅导站',
  '校际联盟片际协作交流',
  '互联网+关工委线上课堂',
  '“同一片蓝天下”关爱随迁子女',
];

export const WITHDRAW_REASONS: readonly string[] = [
  '作者转学,撤回作品',
  '误传了未定稿版本',
  '与本校另一篇作品重复',
  '学生本人申请撤回',
  '材料不全,撤回后不再参评',
];

export const DISQUALIFY_REASON = '经查重与网络文章高度雷同,取消参评资格';

export const RECUSE_REASONS: readonly string[] = ['指导教师系本人亲属', '作者为本人亲属', '本人曾指导该作品'];

export const ESSAY_COMMENTS: readonly string[] = [
  '立意深刻,情感真挚',
  '结构完整,语言流畅',
  '选材新颖,以小见大',
  '文字功底扎实',
  '联系自身实际,感悟真切',
  '内容稍显空泛',
  '书写规范,卷面整洁',
];

export const SHOW_COMMENTS: readonly string[] = [
  '老少配合默契',
  '舞台表现力强',
  '主题鲜明,感染力强',
  '地方特色浓郁',
  '节奏把握得当',
];

export const EVALUATION_COMMENTS: readonly string[] = [
  '组织健全,制度完善',
  '活动丰富,台账规范',
  '特色鲜明,成效显著',
  '五老作用发挥充分',
];

/** Lecture topics of the 老园丁讲师团 by subject (a lecturer's `topics`). */
export const LECTURE_TOPICS: Readonly<Record<string, readonly string[]>> = {
  党史: ['百年党史中的太仓故事', '中国共产党百年奋斗的光辉历程', '红船精神代代传', '党史中的少年英雄'],
  红色太仓: ['太仓的红色足迹', '家乡先烈的故事', '寻访太仓红色地标'],
  家风家训: ['好家风代代传', '红色家书里的初心', '从家训看家国情怀'],
  科学家精神: ['学习吴健雄科学精神', '从“两弹一星”看民族脊梁', '中国航天的追梦人'],
  郑和航海文化: ['郑和下西洋与刘家港', '从刘家港到太仓港:家乡的开放之路'],
  核心价值观: ['社会主义核心价值观伴我成长', '争做新时代好少年'],
  法治安全: ['法治护航 健康成长', '远离网络沉迷'],
  心理健康: ['阳光心态 快乐成长', '爷爷奶奶谈心:和成长的烦恼说再见'],
};

export const LECTURE_TOPICS_BEFORE_CONGRESS: readonly string[] = ['喜迎二十大 童心永向党', '听党话 跟党走 喜迎二十大'];
export const LECTURE_TOPICS_AFTER_CONGRESS: readonly string[] = [
  '学习二十大精神 争做新时代好少年',
  '二十大报告中的教育强国',
];

export const LECTURE_CANCEL_REASONS: readonly string[] = [
  '讲师身体不适,改期另行安排',
  '学校考试安排调整',
  '恶劣天气,暂停集中活动',
];
export const COVID_CANCEL_REASON = '疫情防控要求,暂停线下集中活动';
