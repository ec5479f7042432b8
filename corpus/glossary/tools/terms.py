"""Term list for the Briefdesk starter glossary (EN -> KM, ZH).

Fields per entry
  en, en_variants   English forms; variants are counted together with `en`.
  km                Khmer candidates; the first is emitted. build_glossary.py marks
                    km_confirmed=yes only if one of them (or a km_evidence string)
                    is found in the Khmer text of a VOA document pair.
  km_evidence       optional longer Khmer strings used to locate an unambiguous
                    snippet (e.g. ខេត្តកណ្តាល "Kandal province" rather than the
                    common word កណ្តាល "middle").
  km_manual         optional (doc_id, note) when the automatic pair rule does not
                    apply but the form was checked by hand in the VOA Khmer text.
  km_external       optional note (URL) when the form is attested only outside the
                    corpus -> km_confirmed stays "no".
  zh, zh_src        Simplified Chinese form and the URL of a page (found with the
                    `search` tool, corpus "pages") that shows it; zh_src=None means
                    zh_confirmed=no.
  forbidden_km/zh   known wrong / discouraged forms (only where reasonably sure).
"""

T = []
def add(en, variants, km, zh, note, zh_src=None, forbidden_km=(), forbidden_zh=(),
        km_evidence=(), km_manual=None, km_external=None):
    T.append(dict(en=en, en_variants=list(variants), km=list(km), zh=zh or "", note=note,
                  zh_src=zh_src, forbidden_km=list(forbidden_km), forbidden_zh=list(forbidden_zh),
                  km_evidence=list(km_evidence), km_manual=km_manual, km_external=km_external))

MUN = "http://www.mun-china.com/the-kingdom-of-cambodia/"
# ---------------- people: Cambodian ----------------
add("Hun Sen", ["Samdech Hun Sen", "Prime Minister Hun Sen", "PM Hun Sen"], ["ហ៊ុន សែន"], "洪森",
    "Prime Minister of Cambodia 1985–2023; CPP president",
    zh_src="https://zhshhuida.com/baike/124523.html")
add("Hor Namhong", ["Namhong", "Foreign Minister Hor Namhong"], ["ហោ ណាំហុង"], "贺南洪",
    "Deputy Prime Minister; Foreign Minister 1990–93 and 1998–2016. Only in hor-namhong-china-visit.en.txt (no Khmer pair).",
    forbidden_zh=["洪南宏"],
    km_external="not in the VOA Khmer docs; attested externally: https://en.m.wikipedia.org/wiki/Hor_Namhong ; http://www.khtoem.com/227475.html")
add("Sam Rainsy", ["Rainsy"], ["សម រង្ស៊ី"], "桑兰西",
    "Opposition leader; CNRP co-founder, in exile since 2015. Other Chinese renderings in use: 沈良西 (Cambodian Chinese press), 森朗西 (Taiwan)",
    zh_src="https://amp.dw.com/zh/%E6%9F%AC%E5%9F%94%E5%AF%A8%E5%91%A8%E6%97%A5%E5%A4%A7%E9%80%89/a-16977183")
add("Kem Sokha", ["Sokha"], ["កឹម សុខា"], "根索卡",
    "CNRP president, arrested for 'treason' Sept 2017. Variants elsewhere: 金速卡 (Cambodian Chinese press), 坎索哈 (Taiwan)",
    zh_src="https://m.observersnews.com/politics/2017_11_17_435258.shtml")
add("Norodom Sihanouk", ["King Norodom Sihanouk", "Prince Norodom Sihanouk", "King Sihanouk", "Prince Sihanouk", "Sihanouk"],
    ["នរោត្តម សីហនុ"], "西哈努克",
    "King of Cambodia (1941–55, 1993–2004), died 2012. KM title in VOA: ព្រះបាទ / សម្តេច. ZH: 西哈努克 is the checked form, so the full 诺罗敦·西哈努克 and the usual 西哈努克亲王/国王 both pass",
    zh_src="http://www.zwbk2009.com/index.php?title=%E8%AF%BA%E7%BD%97%E6%95%A6%E2%80%A2%E6%8B%89%E9%82%A3%E7%83%88")
add("Norodom Sihamoni", ["King Norodom Sihamoni", "Sihamoni"], ["នរោត្តម សីហមុនី"], "诺罗敦·西哈莫尼",
    "King of Cambodia since 2004", zh_src=MUN)
add("Norodom Ranariddh", ["Prince Norodom Ranariddh", "Ranariddh"], ["នរោត្តម រណឫទ្ធិ"], "拉那烈",
    "FUNCINPEC leader; First Prime Minister 1993–97; died 2021. ZH: 拉那烈 is the checked form (full: 诺罗敦·拉那烈; usually 拉那烈亲王)",
    zh_src="http://www.zwbk2009.com/index.php?title=%E8%AF%BA%E7%BD%97%E6%95%A6%E2%80%A2%E6%8B%89%E9%82%A3%E7%83%88")
add("Pol Pot", [], ["ប៉ុល ពត"], "波尔布特", "Khmer Rouge leader (Democratic Kampuchea, 1975–79)",
    zh_src="https://zh.wikipedia.org/wiki/%E6%B3%A2%E7%88%BE%E5%B8%83%E7%89%B9")
add("Lon Nol", [], ["លន់ នល់"], "朗诺", "General who led the 1970 coup; president of the Khmer Republic",
    zh_src="https://witsky.net/op/9z279q5n.html")
add("Heng Samrin", [], ["ហេង សំរិន"], "韩桑林", "President of the National Assembly 2006–2023; CPP honorary president",
    zh_src=MUN)
add("Chea Sim", [], ["ជា ស៊ីម"], "谢辛", "CPP president and Senate president; died 2015",
    zh_src="https://arietiform.com/application/nph-tsq.cgi/en/20/https/zh.wikipedia.org/wiki/=25E6=25B4=25AA=25E6=25A3=25AE")
add("Sar Kheng", [], ["ស ខេង"], "韶肯", "Deputy Prime Minister and Minister of Interior 1992–2023; CPP vice president")
add("Tea Banh", ["Defense Minister Tea Banh", "Tea Bahn"], ["ទៀ បាញ់"], "迪班",
    "Deputy Prime Minister and Minister of National Defence 1993–2023. 'Tea Bahn' is a misspelling in one VOA story. Cambodian Chinese press writes 狄班",
    zh_src="https://www.76hw.com/news/jian-pu-zhai-jun-quan-fen-bu-jie-mi-shui-shi-mu-hou-zhang-duo-zhe.html")
add("Hun Manet", [], ["ហ៊ុន ម៉ាណែត"], "洪玛奈",
    "Hun Sen's eldest son; deputy army commander-in-chief (2018); Prime Minister since 2023. Variants in use: 洪马内, 洪玛耐",
    zh_src="http://qebk.com/news/115a9954526996a0de1970a67906788c.html")
add("Sok Eysan", ["Sok Isan"], ["សុខ ឥសាន"], "索耶桑",
    "CPP spokesman. Taiwan media: 蘇艾山",
    zh_src="https://shuohk.com/cms/guojizhengqing/44815.html")
add("Son Chhay", ["Chhay"], ["សុន ឆ័យ"], "",
    "Opposition (SRP/CNRP) lawmaker. No reliable Chinese form found: transliterate with care")
add("Mu Sochua", [], ["មូរ សុខហួរ", "មូ សុខហួរ"], "",
    "CNRP vice president; former Minister of Women's Affairs. VOA Khmer spells the family name មូរ (with រ). No reliable Chinese form found")
add("Say Chhum", [], ["សាយ ឈុំ"], "赛冲", "President of the Senate 2015–2023; CPP vice president",
    zh_src=MUN,
    km_manual=("voa-khm-2018-cambodias-strongman-displays-warm-vital-images-on-facebook",
               "Khmer side of this pair names him (as CPP deputy president and Senate president); its English side does not; the English doc naming him (hun-sen-interview-part-3-succession) has no Khmer mention"))
add("Chak Sopheap", [], ["ចក់ សុភាព"], "",
    "Executive director, Cambodian Center for Human Rights. Only in hor-namhong-china-visit.en.txt. No reliable Chinese form found",
    km_external="not in the VOA Khmer docs; attested externally: https://dap-news.com/politic/2020/01/15/24774/ ; https://cambodianvotervoice.org/kh/index.php?id=7500&page=news")

# ---------------- people: Chinese ----------------
add("Deng Xiaoping", ["Deng"], ["តេង សៀវភីង"], "邓小平", "Chinese reformist leader (1904–1997)",
    zh_src="http://zhouenlai.people.cn/n1/2018/0720/c409117-30160927.html")
add("Wei Fenghe", ["Chinese Defense Minister Wei Fenghe"], ["Wei Fenghe"], "魏凤和",
    "Minister of National Defence of China 2018–2023. VOA Khmer keeps the name in Latin script (title: រដ្ឋមន្ត្រីក្រសួងការពារជាតិចិន); no Khmer-script form attested",
    zh_src="https://voacantonese.com/a/wh-china-cambodia-20180615/4440759.html")

# ---------------- parties / movements ----------------
add("Cambodian People's Party", ["CPP", "Cambodian People’s Party"], ["គណបក្សប្រជាជនកម្ពុជា"], "柬埔寨人民党",
    "Ruling party (CPP), led by Hun Sen. Short forms: KM គណបក្ស CPP / បក្សប្រជាជន; ZH 人民党",
    zh_src="https://zhshhuida.com/baike/124523.html")
add("Cambodia National Rescue Party", ["CNRP"], ["គណបក្សសង្គ្រោះជាតិ"], "柬埔寨救国党",
    "Main opposition party 2012–2017, dissolved by the Supreme Court Nov 2017. ZH short form 救国党",
    zh_src="https://www.7jpz.com/article-66344-1.html")
add("FUNCINPEC", ["Funcinpec"], ["ហ៊្វុនស៊ីនប៉ិច"], "奉辛比克",
    "Royalist party founded by Norodom Sihanouk (1981). ZH: 奉辛比克 is the checked form (the party: 奉辛比克党). VOA Khmer spelling ហ៊្វុនស៊ីនប៉ិច; ហ្វ៊ុនស៊ិនប៉ិច is also seen in other Khmer media",
    zh_src="http://www.zwbk2009.com/index.php?title=%E8%AF%BA%E7%BD%97%E6%95%A6%E2%80%A2%E6%8B%89%E9%82%A3%E7%83%88")
add("Sam Rainsy Party", ["SRP"], ["គណបក្សសម រង្ស៊ី"], "桑兰西党",
    "Opposition party (1998–2012), merged into the CNRP. Taiwan media: 森朗西黨")
add("Human Rights Party", ["HRP"], ["គណបក្សសិទ្ធិមនុស្ស"], "人权党",
    "Kem Sokha's party (2007–2012), merged into the CNRP",
    zh_src="https://54e1ad4b48888.kfd.me/zh-mo/%E4%BA%BA%E6%9D%83%E5%85%9A_(%E6%9F%AC%E5%9F%94%E5%AF%A8)")
add("Khmer Rouge", [], ["ខ្មែរក្រហម"], "红色高棉", "Communist movement that ruled Cambodia 1975–79",
    zh_src="https://witsky.net/op/9z279q5n.html")
add("Khmer National United Party", ["KNUP"], ["គណបក្សខ្មែររួបរួមជាតិ"], "高棉国家统一党",
    "Royalist splinter party led by Nhek Bun Chhay; held the only non-CPP commune chief post in 2018 (Da Chhean story)")

# ---------------- institutions ----------------
add("National Election Committee", ["NEC"], ["គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោត", "គ.ជ.ប"], "国家选举委员会",
    "Cambodia's election authority. KM abbreviation គ.ជ.ប; ZH short form 选委会",
    zh_src="https://www.siudz.com/news/jie-mi-jian-pu-zhai-da-xuan-quan-cheng-jie-xi-jie-mi-tou-piao-ri-mu-hou.html")
add("National Assembly", [], ["រដ្ឋសភា"], "国会", "Lower house of parliament (125 seats). ZH also 国民议会", zh_src=MUN)
add("Senate", [], ["ព្រឹទ្ធសភា"], "参议院", "Upper house of parliament", zh_src=MUN)
add("Supreme Court", [], ["តុលាការកំពូល"], "最高法院", "Cambodia's highest court; dissolved the CNRP in Nov 2017",
    zh_src="https://m.observersnews.com/politics/2017_11_17_435258.shtml")
add("Council of Ministers", [], ["គណៈរដ្ឋមន្ត្រី"], "内阁",
    "Cambodia's cabinet; 'Council of Ministers meeting' = KM កិច្ចប្រជុំគណៈរដ្ឋមន្ត្រី, ZH 内阁会议. The Office of the Council of Ministers is ទីស្តីការគណៈរដ្ឋមន្ត្រី",
    zh_src="https://www.7jpz.com/article-27067-1.html")
add("Ministry of Interior", ["Ministry of the Interior"], ["ក្រសួងមហាផ្ទៃ"], "内政部", "Cambodian ministry (Sar Kheng 1992–2023)",
    zh_src="https://m.observersnews.com/politics/2017_11_17_435258.shtml")
add("Ministry of Information", ["Information Ministry"], ["ក្រសួងព័ត៌មាន"], "新闻部", "Cambodian ministry regulating media",
    zh_src="https://www.7jpz.com/article-27067-1.html")
add("Ministry of Posts and Telecommunications", [], ["ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍"], "邮电部", "Cambodian ministry (MPTC)",
    zh_src="http://jianhuadaily.com/20200330/77382")
add("Ministry of National Defense", ["Defense Ministry"], ["ក្រសួងការពារជាតិ"], "国防部", "Cambodian ministry (Tea Banh 1993–2023)",
    zh_src="https://cn.freshnewsasia.com/index.php/en/18536-2022-11-22-11-04-53.html")
add("Ministry of Economy and Finance", ["finance ministry"], ["ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ"], "经济和财政部",
    "Cambodian ministry. Chinese renderings vary (经济和财政部 / 经济与财政部 / 财经部); not confirmed")
add("Ministry of Justice", [], ["ក្រសួងយុត្តិធម៌"], "司法部", "Cambodian ministry", zh_src="http://jianhuadaily.com/20200330/77382")
add("Ministry of Foreign Affairs", ["Foreign Ministry"], ["ក្រសួងការបរទេស"], "外交部",
    "Generic foreign ministry; in these stories the Thai and Chinese ones. Cambodia's: Ministry of Foreign Affairs and International Cooperation = ZH 外交与国际合作部",
    zh_src="http://qebk.com/news/115a9954526996a0de1970a67906788c.html")
add("National Bank of Cambodia", ["NBC"], ["ធនាគារជាតិនៃកម្ពុជា"], "柬埔寨国家银行", "Central bank",
    zh_src="http://www.v38.com.cn/20220621/58972243.html")
add("Royal Cambodian Armed Forces", ["RCAF"], ["កងយោធពលខេមរភូមិន្ទ"], "柬埔寨王家军",
    "Cambodia's military. PRC media write 王家军 (not 皇家军队) for Cambodian royal institutions",
    zh_src="https://www.76hw.com/news/jian-pu-zhai-jun-quan-fen-bu-jie-mi-shui-shi-mu-hou-zhang-duo-zhe.html",
    km_manual=("voa-khm-2018-son-chhay-cnrp",
               "paired doc naming RCAF (hun-sen-interview-part-3-succession) has the misspelling កងយោធពលខេមភូមិន្ទ; the correct spelling is in son-chhay-cnrp"))
add("Cambodian Center for Human Rights", ["CCHR"], ["មជ្ឈមណ្ឌលសិទ្ធិមនុស្សកម្ពុជា"], "柬埔寨人权中心", "Human-rights NGO (KM abbr. ម.ស.ម.ក)",
    zh_src="https://www.7jpz.com/article-66344-1.html")
add("COMFREL", ["Committee for Free and Fair Elections", "Committee for Free and Fair Election"], ["ខុមហ្វ្រែល"], "",
    "Election-monitoring NGO; keep 'COMFREL' in Chinese text (no established Chinese name found)")
add("ASEAN", ["Asean"], ["អាស៊ាន"], "东盟", "Association of Southeast Asian Nations",
    zh_src="http://www.xwlunwen.com/benkelunwen/54590.html")

# ---------------- places ----------------
add("Cambodia", [], ["កម្ពុជា"], "柬埔寨", "Kingdom of Cambodia", zh_src=MUN)
add("China", [], ["ចិន"], "", "People's Republic of China. ZH not checked: 中国, 华 (访华) and 中方 are all correct; a glossary form would flag good copy", zh_src="http://m.zgkjsz.com/page/2018/0910/10630763.shtml",
    km_evidence=["ប្រទេសចិន"])
add("Vietnam", [], ["វៀតណាម"], "越南", "", zh_src=MUN)
add("Thailand", [], ["ថៃ"], "泰国", "", zh_src=MUN, km_evidence=["ប្រទេសថៃ"])
add("Phnom Penh", [], ["ភ្នំពេញ"], "金边", "Capital of Cambodia", zh_src=MUN)
add("Siem Reap", [], ["សៀមរាប"], "暹粒", "Province and town (Angkor)", zh_src="https://gujianchina.cn/quote/show-2828.html")
add("Battambang", [], ["បាត់ដំបង"], "马德望", "Province in north-west Cambodia",
    zh_src="https://wikicn.playgoteam.workers.dev/wiki/%E5%A5%A5%E5%A4%9A%E6%A3%89%E5%90%89%E7%9C%81")
add("Kandal", ["Kandal Province"], ["កណ្តាល", "កណ្ដាល"], "干丹", "Province surrounding Phnom Penh; KM word also means 'middle', so write ខេត្តកណ្តាល for the province",
    zh_src="https://arietiform.com/application/nph-tsq.cgi/en/20/https/zh.wikipedia.org/wiki/=25E6=25B4=25AA=25E6=25A3=25AE",
    km_evidence=["ខេត្តកណ្តាល"])
add("Takeo", [], ["តាកែវ"], "茶胶", "Province in southern Cambodia", zh_src="https://www.7jpz.com/article-65095-1.html")
add("Kampot", [], ["កំពត"], "贡布", "Coastal province")
add("Oddar Meanchey", [], ["ឧត្តរមានជ័យ"], "奥多棉吉", "Province on the Thai border",
    zh_src="https://wikicn.playgoteam.workers.dev/wiki/%E5%A5%A5%E5%A4%9A%E6%A3%89%E5%90%89%E7%9C%81")
add("Preah Vihear", [], ["ព្រះវិហារ"], "柏威夏", "Province / temple on the Thai border", zh_src="http://www.xiezie.com/jzfz/2036.html")
add("Kampong Cham", [], ["កំពង់ចាម"], "磅湛", "Province; Hun Sen's birthplace", zh_src="https://www.nyj.go.kr/china/2295")
add("Kampong Chhnang", [], ["កំពង់ឆ្នាំង"], "磅清扬", "Province")
add("Preah Sihanouk", ["Preah Sihanouk province"], ["ព្រះសីហនុ"], "西哈努克省", "Coastal province",
    zh_src="https://zh.wikipedia.org/wiki/%E8%A5%BF%E5%93%88%E5%8A%AA%E5%85%8B%E5%B8%82", km_evidence=["ខេត្តព្រះសីហនុ"])
add("Sihanoukville", [], ["ក្រុងព្រះសីហនុ"], "西哈努克港",
    "Port city, capital of Preah Sihanouk province. ZH also 西哈努克市; colloquial 西港",
    zh_src="https://zh.wikipedia.org/wiki/%E8%A5%BF%E5%93%88%E5%8A%AA%E5%85%8B%E5%B8%82")
add("Koh Kong", ["Koh Kong Province"], ["កោះកុង"], "戈公", "Coastal province", zh_src="https://www.newton.com.tw/wiki/%E8%8F%A9%E8%96%A9%E7%9C%81")
add("Prey Veng", [], ["ព្រៃវែង"], "波萝勉", "Province (ZH also written 波罗勉)", zh_src="https://jxxfw.com/periodical/54f4cd3b8c2efe40ab42785c83eac064.html")
add("Kratie", [], ["ក្រចេះ"], "桔井", "Province on the Mekong")
add("Banteay Meanchey", [], ["បន្ទាយមានជ័យ"], "班迭棉吉", "Province on the Thai border")
add("Angkor", [], ["អង្គរ"], "吴哥", "Angkor temples / Khmer empire; also in names such as 'Angkor Awakens' (film) and 'Angkor Sentinel' (exercise)",
    zh_src="https://gujianchina.cn/quote/show-2828.html")
add("Beijing", [], ["ប៉េកាំង"], "北京", "Capital of China; metonym for the Chinese government",
    zh_src="http://xilu.com/jstj/20170120/1000010000977240_3.html")
add("Taiwan", [], ["តៃវ៉ាន់"], "台湾", "", zh_src="http://info1.texnet.com.cn/content/2009-06-03/244426.html")
add("Hong Kong", [], ["ហុងកុង"], "香港", "", zh_src="http://m.lovecitycountrymusicfest.com/News/oldnews/html/NewsDeatil_103029.Html")
add("South China Sea", [], ["សមុទ្រចិនខាងត្បូង"], "南海",
    "PRC media write 南海; 南中国海 appears in non-PRC and translated texts", zh_src="http://www.xwlunwen.com/benkelunwen/54590.html")
add("Mekong River", ["Mekong"], ["ទន្លេមេគង្គ", "មេគង្គ"], "湄公河", "River", zh_src=MUN)
