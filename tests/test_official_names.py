"""Every English name the catalogue calls official (``Company.name_en_official``) has a public
source that gives it in those words; every other English name is the catalogue's translation.

The organisation model has no field for a source, so the sources are recorded here: one entry
per organisation whose English name is marked official, with the name and where it is published.
A name marked official without an entry here, or an entry for a name no longer marked official,
fails the test; so does a name that no longer matches the one the source gives.
"""

import pytest

from catalog import models

# slug -> (the official English name, the public source that gives it)
OFFICIAL_NAMES = {
    "acfic": (
        "All-China Federation of Industry and Commerce",
        "Wikipedia, 'All-China Federation of Industry and Commerce' "
        "(https://findatwiki.com/All-China_Federation_of_Industry_and_Commerce); its English "
        "site is www.chinachamber.org.cn",
    ),
    "baidu": (
        "Baidu",
        "Quartz, 'China's favorite food delivery service is now worth more than its biggest "
        "internet search firm' (https://qz.com/1648807/bat-no-more-meituan-dianping-is-now-worth-"
        "more-than-baidu)",
    ),
    "beijing-development-reform-commission": (
        "Beijing Municipal Development and Reform Commission",
        "Beijing Municipal Commission of Planning and Natural Resources, English site, 1 May 2024 "
        "(https://ghzrzyw.beijing.gov.cn/en/News/202405/t20240501_3651839.html)",
    ),
    "bgi-group": (
        "BGI Group",
        "Wikipedia, 'BGI Group' (https://en.wikipedia.org/wiki/BGI_Group)",
    ),
    "cass-institute-industrial-economics": (
        "Institute of Industrial Economics, Chinese Academy of Social Sciences",
        "China Industrial Economics, journal page on CNKI "
        "(https://jtp.cnki.net/bilingual/Navi/Detail?pykm=GGYY&year=2015&issue=04)",
    ),
    "cciee": (
        "China Center for International Economic Exchanges",
        "China Daily, 30 June 2015 "
        "(http://www.chinadaily.com.cn/cndy/2015-06/30/content_21138570.htm)",
    ),
    "central-party-school": (
        "Party School of the CPC Central Committee (National Academy of Governance)",
        "Wikipedia, 'Central Party School' and 'National Academy of Governance' "
        "(https://en.wikipedia.org/wiki/Central_Party_School, "
        "https://en.wikipedia.org/wiki/National_Academy_of_Governance): officially the Party "
        "School of the Central Committee of the Communist Party of China, with National Academy "
        "of Governance as its second name",
    ),
    "china-society-innovation-development-strategy": (
        "China Institute for Innovation and Development Strategy",
        "CIIDS, 'CIIDS in brief' (http://en.ciids.cn/about_164/)",
    ),
    "chinese-academy-of-social-sciences": (
        "Chinese Academy of Social Sciences",
        "China Industrial Economics, journal page on CNKI "
        "(https://jtp.cnki.net/bilingual/Navi/Detail?pykm=GGYY&year=2015&issue=04)",
    ),
    "cppcc-national-committee": (
        "CPPCC National Committee",
        "Xinhua via People's Daily Online, 6 March 2023 "
        "(http://en.people.cn/n3/2023/0306/c90000-10217067.html): the National Committee of "
        "the Chinese People's Political Consultative Conference; China Daily uses the short form",
    ),
    "csrc": (
        "China Securities Regulatory Commission",
        "The Asset, 'China aims to inject long-term capital into stock market' "
        "(https://pcc.theasset.com/article/53307/china-aims-to-inject-long-term-capital-into-"
        "stock-market)",
    ),
    "cuhk-shenzhen": (
        "The Chinese University of Hong Kong, Shenzhen",
        "China Daily Hong Kong (http://lb7.chinadailyhk.com/hk/article/593035)",
    ),
    "guiyang-big-data-exchange": (
        "Global Big Data Exchange",
        "Xinhua via People's Daily Online, 22 February 2023, 'Global Big Data Exchange "
        "transactions hit 84 mln USD' (http://en.people.cn/n3/2023/0222/c90000-10211070.html)",
    ),
    "hongshan-sequoia-china": (
        "HongShan (formerly Sequoia China)",
        "Wikipedia, 'HongShan' (https://en.wikipedia.org/wiki/HongShan): HongShan Capital Group, "
        "formerly Sequoia Capital China",
    ),
    "meituan": (
        "Meituan",
        "Quartz (https://qz.com/1648807/bat-no-more-meituan-dianping-is-now-worth-more-than-baidu)",
    ),
    "miit": (
        "Ministry of Industry and Information Technology",
        "Xinhua via People's Daily Online, 8 August 2025 "
        "(http://en.people.cn/n3/2025/0808/c90000-20350521.html)",
    ),
    "minimax": (
        "MiniMax",
        "AI News China, 'MiniMax: The $14B \"Anti-OpenAI\"' (https://www.ainewschina.com/post/"
        "minimax-vs-openai-14b-ipo-global-strategy-2026): MiniMax Group Inc., SEHK 0100",
    ),
    "nanjing-normal-university": (
        "Nanjing Normal University",
        "Wikipedia, 'Nanjing Normal University' "
        "(http://twiki.owiki.org/wiki/Nanjing_Normal_University)",
    ),
    "national-data-administration": (
        "National Data Administration",
        "OODA Loop, citing the DigiChina translation of the 2023 State Council reform plan "
        "(https://oodaloop.com/analysis/archive/will-chinas-newly-formed-national-data-"
        "administration-mine-data-for-economic-growth)",
    ),
    "national-peoples-congress": (
        "National People's Congress",
        "The China Project, 20 March 2023 (https://thechinaproject.com/2023/03/20/chinas-new-"
        "national-data-bureau-what-it-is-and-what-it-is-not/)",
    ),
    "peking-university": (
        "Peking University",
        "Peking University English news, 25 October 2019 "
        "(http://newsen.pku.edu.cn/news_events/news/people/9043.htm)",
    ),
    "pitchbook": (
        "PitchBook",
        "CNBC, 18 September 2023 (https://www.cnbc.com/amp/2023/09/18/china-vc-deals-plunge-on-"
        "track-for-worst-pace-in-more-than-seven-years.html)",
    ),
    "pku-institute-new-structural-economics": (
        "Institute of New Structural Economics, Peking University",
        "Economic Research Journal on CNKI "
        "(https://jtp.cnki.net/bilingual/detail/html/CJYJ201809002): Institute of New "
        "Structural Economics at Peking University",
    ),
    "qiushi": (
        "Qiushi Journal",
        "Qiushi Journal English edition (http://en.qstheory.cn/2024-07/09/c_1003038.htm)",
    ),
    "shenzhen-municipal-government": (
        "Shenzhen Municipal People's Government",
        "Wikipedia, 'Shenzhen Municipal People's Government' "
        "(https://theinfolist.com/html/ALL/s/S/Shenzhen_Municipal_People's_Government.html)",
    ),
    "shunwei-capital": (
        "Shunwei Capital",
        "South China Morning Post (http://www.scmp.com/business/article/2124205/indian-mobile-"
        "app-start-ups-track-chinas-growth-path)",
    ),
    "state-council-drc": (
        "Development Research Center of the State Council",
        "DRC English site (http://en.drc.gov.cn/2017-08/15/content_30627241.htm)",
    ),
    "ubs": (
        "UBS",
        "Brunswick Review, 'Seeing China Clearly' "
        "(https://review.brunswickgroup.com/article/tao-wang-china-economist/)",
    ),
    "wind": (
        "Wind Information",
        "Asia Financial, citing Reuters: 'Wind Information Co' "
        "(https://www.asiafinancial.com/wind-chinas-top-financial-data-provider-cuts-foreign-"
        "access)",
    ),
    "yuekai-securities": (
        "Yuekai Securities",
        "ThinkChina, 'Luo Zhiheng' (https://www.thinkchina.sg/luozhiheng): Yuekai Securities "
        "Research Institute",
    ),
    "zero2ipo": (
        "Zero2IPO Group",
        "Yicai Global, 28 July 2023 (https://yicaiglobal.com/news/fundraising-size-investments-"
        "plunge-in-chinas-onshore-equity-investment-market-in-first-half-report-says)",
    ),
    "zhejiang-lab": (
        "Zhejiang Lab",
        "Zhejiang Lab, 'Overview' (https://en.zhejianglab.com/about/overview/)",
    ),
    "zhejiang-provincial-government": (
        "Zhejiang Provincial People's Government",
        "Zhejiang government English site, 24 February 2018 "
        "(http://english.zj.gov.cn/art/2018/2/24/art_5798_2268559.html)",
    ),
    "zhejiang-provincial-party-committee": (
        "CPC Zhejiang Provincial Committee",
        "Shaoxing government English site, 26 November 2019 "
        "(http://en.sx.gov.cn/art/2019/11/26/art_1501262_40584138.html)",
    ),
    "zhejiang-university": (
        "Zhejiang University",
        "Zhejiang Lab, 'Overview' (https://en.zhejianglab.com/about/overview/)",
    ),
    "zhongguancun-science-city": (
        "Zhongguancun Science City",
        "Beijing government English site, government work report, 4 February 2024 "
        "(https://english.beijing.gov.cn/government/reports/202402/t20240204_3555006.html)",
    ),
    "zju-school-of-economics": (
        "School of Economics, Zhejiang University",
        "Zhejiang University faculty page (http://person.zju.edu.cn/en/dong)",
    ),
}


def test_every_official_english_name_has_a_recorded_public_source(catalogue):
    marked = set(
        models.Company.objects.filter(name_en_official=True).values_list("slug", flat=True)
    )
    assert sorted(marked - set(OFFICIAL_NAMES)) == [], "marked official, no source recorded"
    assert sorted(set(OFFICIAL_NAMES) - marked) == [], "source recorded, not marked official"


@pytest.mark.parametrize("slug", sorted(OFFICIAL_NAMES))
def test_each_official_name_is_the_one_its_source_gives(catalogue, slug):
    name_en, source = OFFICIAL_NAMES[slug]
    assert models.Company.objects.get(slug=slug).name_en == name_en
    assert "http" in source


def test_the_guiyang_exchange_carries_its_published_english_name(catalogue):
    exchange = models.Company.objects.get(slug="guiyang-big-data-exchange")
    assert exchange.name_en == "Global Big Data Exchange"
    assert {"Guiyang Big Data Exchange", "GBDEx"} <= set(exchange.aliases)


def test_names_no_source_confirms_are_the_catalogues_translations(catalogue):
    boiler = models.Company.objects.get(slug="dongfang-boiler")
    assert not boiler.name_en_official
    assert "Dongfang Boiler Co., Ltd." not in boiler.aliases
    for slug in [
        "beijing-economy-information-bureau",
        "china-democratic-league-central-committee",
        "itjuzi",
        "qianhai-institute-international-affairs",
        "zero2ipo-research",
    ]:
        assert not models.Company.objects.get(slug=slug).name_en_official, slug
