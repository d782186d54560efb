# ruff: noqa: E501
"""Hand-written, labelled short articles for the main-country evaluation.

Every text below was written for this set (no publisher text). Each entry is
    A(lang, title, text, main_country, countries, minerals)
main_country is an ISO code or None (global market wraps); countries / minerals are
space-separated and cover title + text. ``build_set.py`` validates and writes articles.jsonl.
"""

from __future__ import annotations

ARTICLES: list[tuple[str, str, str, str | None, str, str]] = []


def A(lang: str, title: str, text: str, main: str | None, countries: str, minerals: str) -> None:
    ARTICLES.append((lang, title, text, main, countries, minerals))


# One entry per line is easier to review than the formatter's layout.
# fmt: off

# --------------------------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------------------------
A("en", "Beijing tightens graphite export rules",
  "Beijing will require licences for exports of high-purity graphite from December, the commerce ministry said. "
  "The move follows earlier curbs on gallium and germanium. Buyers in Japan and South Korea are scrambling to secure supplies. "
  "Japanese anode makers hold about three months of stock, traders said.",
  "CN", "CN JP KR", "graphite gallium germanium")

A("en", "Congo extends cobalt export ban",
  "The Democratic Republic of the Congo extended its ban on cobalt exports by three months. "
  "The decision hit Chinese refiners, which process most Congolese cobalt. China imported 80% less cobalt hydroxide in the first quarter. "
  "Refiners in China are drawing down inventories and some have cut output. Chinese cathode makers say they have enough stock for now.",
  "CD", "CD CN", "cobalt")

A("en", "Indonesia weighs nickel ore quota cut",
  "Indonesia's energy ministry is considering lowering nickel ore mining quotas for next year. "
  "The proposal aims to support prices that have fallen by a third. Most Indonesian smelters are owned by Chinese companies such as Tsingshan. "
  "Philippine miners could gain from higher ore prices.",
  "ID", "ID CN PH", "nickel")

A("en", "Metals wrap: copper climbs, gold steadies",
  "Copper rose 1.2% on the London Metal Exchange on Thursday, helped by a weaker dollar. "
  "Gold steadied near $2,350 an ounce after two days of losses. Aluminium and zinc edged lower. "
  "Traders are waiting for US inflation data due on Friday.",
  None, "US", "copper gold aluminum zinc")

A("en", "Chile's lithium plan faces court challenge",
  "A court in Santiago admitted a challenge against the partnership between Codelco and SQM. "
  "The state-led lithium strategy was announced by the government two years ago. Opponents argue the deal should have been put out to tender. "
  "Lithium producers in Argentina are watching the case closely.",
  "CL", "CL AR", "lithium")

A("en", "Kazakh uranium output guidance cut",
  "Kazatomprom lowered its production guidance for next year by 12%. "
  "The Kazakh miner cited delays in building new wells and shortages of sulphuric acid. Uranium prices rose 5% on the news. "
  "Buyers in France, China and the United States rely heavily on its output.",
  "KZ", "KZ FR CN US", "uranium")

A("en", "Washington adds graphite anode makers to blacklist",
  "Washington added six companies to its entity list, including two graphite anode producers. "
  "The Commerce Department said the firms had links to China's military. Chinese officials called the move bullying and promised a response from China. "
  "The companies supply battery makers in South Korea and Europe.",
  "US", "US CN KR", "graphite")

A("en", "Georgia manganese miners strike",
  "Workers at the Chiatura manganese mines in Georgia walked off the job over pay. "
  "The mines supply a ferroalloy plant in Zestafoni that exports mainly to Turkey and Russia. Tbilisi urged both sides to negotiate. "
  "Manganese ore prices were little changed.",
  "GE", "GE TR RU", "manganese")

A("en", "Korean battery maker wins incentives for Georgia plant",
  "A South Korean battery maker will receive $300 million in incentives for a cell plant near Atlanta, Georgia. "
  "The factory will use lithium and nickel supplied under long-term contracts. Georgia's governor said the project would create 3,000 jobs. "
  "The company already runs two plants in the United States.",
  "US", "KR US", "lithium nickel")

A("en", "Jordan's phosphate exports hit record",
  "Jordan Phosphate Mines Company shipped a record 11 million tonnes of phosphate rock last year. "
  "Most cargoes went to India and Indonesia. Chief executive Jordan Haddad said new capacity would come online next year. "
  "Amman is also seeking investors to expand potash output.",
  "JO", "JO IN ID", "phosphate potash")

A("en", "Niger revokes Orano's uranium permit",
  "Niger's military government revoked the operating permit for the Imouraren uranium deposit held by France's Orano. "
  "French officials said the decision was unlawful. Orano said it would challenge it in court in Paris. "
  "Nigeria, Niger's southern neighbour, has offered to host talks.",
  "NE", "NE FR NG", "uranium")

A("en", "Oil prices slide on demand worries",
  "Brent crude fell 3% to $78 a barrel as traders worried about weaker demand. WTI dropped below $74. "
  "OPEC+ ministers meet next week. Natural gas prices in Europe were stable.",
  None, "", "crude-oil natural-gas")

A("en", "Pretoria unveils critical minerals strategy",
  "Pretoria published a critical minerals strategy that prioritises platinum group metals, manganese and chrome. "
  "The plan includes incentives for local beneficiation. Mining companies welcomed the document but said power shortages remain the main obstacle. "
  "China is the largest buyer of South African chrome ore.",
  "ZA", "ZA CN", "platinum-group-metals manganese chromium")

A("en", "Rare-earth magnet plant opens in Estonia",
  "A rare-earth magnet plant opened in Narva, close to the Russian border. "
  "The factory will use neodymium and praseodymium oxides from Australia and, initially, China. "
  "Its owner, a Canadian company, plans to supply carmakers in Germany. The plant is the largest of its kind in Europe.",
  "EE", "EE RU AU CN CA DE", "rare-earth-elements neodymium praseodymium")

A("en", "Britain launches lithium refining fund",
  "The UK government launched a £50 million fund to support lithium refining in the north-east. "
  "The first grant will go to a refinery on Teesside that plans to process spodumene from Australia and Brazil. "
  "Britain currently imports all of its lithium chemicals. The fund is part of a wider critical minerals strategy.",
  "GB", "GB AU BR", "lithium")

A("en", "Congo moves to formalise eastern minerals trade",
  "Congo's mines ministry said it will set up state buying centres for tin, tantalum and tungsten in North and South Kivu. "
  "Officials in Kinshasa said smuggling to Rwanda costs the country hundreds of millions of dollars a year. "
  "Rwanda denies the accusations, and Rwandan exporters say their coltan is mined locally. Traders in Rwanda said coltan prices have already risen.",
  "CD", "CD RW", "tin tantalum tungsten")

A("en", "Gold hits record on rate-cut hopes",
  "Gold rose to a record $2,500 an ounce on Tuesday. Silver gained 2% and platinum was flat. "
  "Investors expect central banks to cut interest rates next month. "
  "Demand for gold bars from buyers in India and China remains strong.",
  None, "IN CN", "gold silver platinum")

A("en", "Ottawa orders Chinese investors to exit lithium miners",
  "Ottawa ordered three Chinese companies to sell their stakes in Canadian lithium juniors, citing national security. "
  "The firms have 90 days to divest. China's commerce ministry criticised the decision and said China would protect its firms. "
  "The juniors explore for lithium in Quebec and Ontario.",
  "CA", "CA CN", "lithium")

A("en", "Philippine nickel exports rise",
  "Nickel ore shipments from the Philippines rose 15% in the first half, mostly to China. "
  "Miners in Surigao benefited from a dry season. Higher ore prices in Indonesia, where the government is curbing quotas, also helped. "
  "Indonesian smelters bought more Philippine ore than usual.",
  "PH", "PH CN ID", "nickel")

A("en", "Zimbabwe to ban lithium concentrate exports",
  "Zimbabwe will ban exports of lithium concentrates from 2027 to force miners to refine locally. "
  "Chinese firms, which have invested more than $1 billion in Zimbabwean lithium mines, are building sulphate plants. "
  "Harare says the move will create jobs. Analysts doubt the power supply can support the refineries.",
  "ZW", "ZW CN", "lithium")

A("en", "Moscow restricts enriched uranium exports to US",
  "Moscow imposed temporary restrictions on exports of enriched uranium to the United States. "
  "The decision responds to a US ban on Russian uranium imports that takes full effect in 2028. American utilities have waivers until then. "
  "Analysts said US reactors still get about a fifth of their enriched fuel from abroad.",
  "RU", "RU US", "uranium")

A("en", "Australian iron ore miners brace for Simandou",
  "Australian iron ore miners face new competition as Guinea's Simandou project ramps up. "
  "The mine is expected to ship 120 million tonnes a year at full capacity, mostly to China. "
  "Guinean officials say the project will transform their economy. Canberra downplayed the threat to Australian producers.",
  "AU", "AU GN CN", "iron-ore")

A("en", "Metals wrap: nickel slides, tin jumps",
  "Nickel fell 2% on the LME, extending losses as supply from Indonesia kept rising. "
  "Tin jumped 4% after reports that mines in Myanmar's Wa State would stay shut. Lead and zinc were little changed. "
  "Copper ended the day flat.",
  None, "ID MM", "nickel tin lead zinc copper")

A("en", "Tbilisi seeks investors for gold and copper",
  "Tbilisi hopes a new mining law will attract investors to its gold and copper deposits. "
  "The Georgian economy ministry plans to auction five licences this year. "
  "A company from Azerbaijan and one from Turkey have expressed interest. Environmental groups fear damage to mountain rivers.",
  "GE", "GE AZ TR", "gold copper")

A("en", "Mali seizes gold from Barrick mine",
  "Mali's military government seized about three tonnes of gold from the Loulo-Gounkoto complex. "
  "Barrick, based in Canada, said it had suspended operations. Bamako accuses the company of unpaid taxes. "
  "Gold accounts for most of Malian export revenue.",
  "ML", "ML CA", "gold")

A("en", "US imposes duties on Chinese graphite",
  "The US Commerce Department imposed anti-dumping duties of 93.5% on graphite anode material from China. "
  "Chinese producers account for most of the world's supply. American battery makers warned of higher costs. "
  "The duties could benefit projects in Mozambique and Tanzania that supply graphite to US plants.",
  "US", "US CN MZ TZ", "graphite")

A("en", "Seoul expands gallium stockpile with Japanese help",
  "Seoul will expand its stockpile of gallium and germanium by half, the industry ministry said. "
  "The move comes after Beijing restricted exports of both metals. Korea will also share stockpile data with Japan. "
  "Japanese officials said the cooperation would later cover rare earths.",
  "KR", "KR CN JP", "gallium germanium rare-earth-elements")

A("en", "Coking coal prices ease",
  "Premium hard coking coal prices fell to $210 a tonne free on board Australia. Weak steel demand weighed on the market. "
  "Metallurgical coal from Mongolia remained competitive in China. Thermal coal prices were steady.",
  None, "AU MN CN", "coking-coal coal")

A("en", "Turkey reports large rare-earth find",
  "Turkey's energy minister said a rare-earth deposit in the Eskisehir region holds 694 million tonnes of ore. "
  "State miner Eti Maden will build a pilot processing plant. Experts in China, the dominant producer, questioned the grade. "
  "The deposit also contains barite and fluorspar.",
  "TR", "TR CN", "rare-earth-elements barite fluorspar")

A("en", "Chad's oil output rises",
  "Chad's crude output rose to 140,000 barrels a day, the oil ministry said. Most of it is exported through a pipeline to Cameroon. "
  "N'Djamena nationalised the assets of a foreign oil company last year. "
  "Chad Ellison, an analyst at an energy consultancy, said further growth depends on new discoveries.",
  "TD", "TD CM", "crude-oil")

A("en", "Polish copper miner KGHM raises output",
  "Polish copper miner KGHM raised its output forecast after commissioning a new shaft. "
  "The company also produces silver and is one of the world's largest sources of the metal. "
  "KGHM operates mines in Chile and Canada. Warsaw holds a controlling stake.",
  "PL", "PL CL CA", "copper silver")

A("en", "Greenland refuses rare-earth licence",
  "Greenland's government refused to grant an exploitation licence for the Kvanefjeld rare-earth project. "
  "The deposit also contains uranium, which was the main concern of local residents. The Australian owner said it would seek arbitration. "
  "Denmark, which handles Greenland's foreign policy, declined to comment.",
  "GL", "GL AU DK", "rare-earth-elements uranium")

A("en", "Gas wrap: Asian LNG prices ease",
  "Asian LNG spot prices eased to $12 per million British thermal units as stockpiles in Japan and South Korea remained high. "
  "European gas futures slipped 2%. Brent crude held near $80. Analysts expect demand to pick up in winter.",
  None, "JP KR", "natural-gas crude-oil")

A("en", "Belarus potash finds new routes",
  "Belarusian potash producer Belaruskali has shifted exports to Russian ports after Lithuania closed its transit route. "
  "Russia's Ust-Luga port handled most of the volumes in the first half, and Russian railways carried the rest. "
  "Moscow has offered discounts on port fees. Shipments to China and Brazil have increased. Minsk says output is back to pre-sanction levels.",
  "BY", "BY RU LT CN BR", "potash")

A("en", "Canberra funds rare-earth refinery",
  "Canberra will lend A$1.6 billion to build a rare-earth refinery in Western Australia. "
  "The refinery will process concentrate from the Yangibana deposit into neodymium and praseodymium oxides. "
  "The government wants to reduce dependence on China. Buyers in Japan have signed offtake agreements.",
  "AU", "AU CN JP", "rare-earth-elements neodymium praseodymium")

A("en", "Battery metals wrap: lithium slump deepens",
  "Lithium carbonate prices fell another 5% this week to their lowest level in four years. "
  "Spodumene concentrate traded below $800 a tonne. Cobalt was flat while graphite prices edged lower. "
  "Battery demand growth has not kept pace with new supply.",
  None, "", "lithium cobalt graphite")

A("en", "Saudi Arabia courts miners at Riyadh forum",
  "Saudi Arabia offered incentives to foreign miners at a conference in Riyadh. "
  "The kingdom wants to develop its copper, phosphate and rare earths resources. "
  "Ma'aden signed deals with companies from the US and Brazil. Officials said lithium could be extracted from brines.",
  "SA", "SA US BR", "copper phosphate rare-earth-elements lithium")

A("en", "Myanmar tin supply fears lift prices",
  "Tin prices rose to a two-year high as mines in Myanmar's Wa State remained shut. "
  "Chinese smelters in Yunnan depend on Burmese ore for much of their feed. "
  "Indonesia, the largest exporter of refined tin, cannot fill the gap quickly. Traders expect the Wa authorities to allow a partial restart.",
  "MM", "MM CN ID", "tin")

A("en", "Peru's copper exports fall amid protests",
  "Copper exports from Peru fell 8% in May as protests blocked a key mining corridor. "
  "The Las Bambas mine, owned by Chinese group MMG, was the worst hit. Lima has declared a state of emergency in the region. "
  "Chile, the largest producer, saw output rise.",
  "PE", "PE CN CL", "copper")

A("en", "Gold standard for disclosure? Miners push back",
  "A new reporting framework for mining companies has been described as the gold standard for disclosure. "
  "Companies say the rules could lead to higher costs and take the lead away from smaller firms. "
  "The framework was drafted by a group of investors. It is voluntary.",
  None, "", "")

A("en", "Emirati fund buys into Zambian copper mine",
  "An Emirati state-backed fund agreed to buy 51% of Mopani Copper Mines for $1.1 billion. "
  "Zambia's government will keep the rest. Lusaka hopes the deal will double output within five years. "
  "The fund also owns mining stakes in Brazil.",
  "ZM", "AE ZM BR", "copper")

A("en", "India seeks lithium assets abroad",
  "India's mines ministry said state-owned KABIL will bid for lithium assets in Argentina and Chile. "
  "New Delhi also plans incentives for domestic refining. The country imports all of its lithium-ion cells, mostly from China. "
  "Officials said talks with Australia are also under way.",
  "IN", "IN AR CL CN AU", "lithium")

A("en", "Guinea-Bissau grants mineral sands licence",
  "Guinea-Bissau granted a licence to a Chinese company to mine heavy mineral sands near Varela. "
  "The sands contain zircon and ilmenite. Neighbouring Guinea and Senegal have similar deposits. "
  "Environmental groups in Bissau oppose the project.",
  "GW", "GW CN GN SN", "zirconium titanium")

A("en", "Silicon Valley start-up raises funds for battery recycling",
  "A Silicon Valley start-up raised $200 million to recycle battery materials. "
  "The company recovers lithium, nickel and cobalt from old cells. "
  "It plans to build its first plant in the United States, in Nevada. Investors include a Japanese trading house.",
  "US", "US JP", "lithium nickel cobalt")

A("en", "New Caledonia nickel smelter halts",
  "A third nickel smelter in New Caledonia halted operations after months of losses. "
  "France has offered loans to keep the plants alive, but Paris wants a reform of the local power supply. "
  "Cheap Indonesian nickel has pushed the territory's producers out of the market.",
  "NC", "NC FR ID", "nickel")

# --------------------------------------------------------------------------------------------
# German
# --------------------------------------------------------------------------------------------
A("de", "Peking verschärft Exportregeln für Graphit",
  "Peking verlangt ab Dezember Lizenzen für die Ausfuhr von hochreinem Graphit. "
  "Deutsche Batteriehersteller befürchten Engpässe. Die Bundesregierung prüft, ob sie Vorräte anlegen soll. "
  "Auch Japan und Südkorea sind betroffen.",
  "CN", "CN DE JP KR", "graphite")

A("de", "Serbien genehmigt Lithiummine im Jadar-Tal",
  "Die serbische Regierung hat den Bau der Lithiummine im Jadar-Tal genehmigt. "
  "Das Projekt soll Lithium für die europäische Autoindustrie liefern. Deutschland und die EU unterstützen das Vorhaben. "
  "In Belgrad demonstrierten Tausende gegen die Mine.",
  "RS", "RS DE", "lithium")

A("de", "Kupferpreis steigt, Nickel fällt",
  "Der Kupferpreis an der Londoner Metallbörse stieg am Montag um ein Prozent. "
  "Nickel verbilligte sich dagegen wegen hoher Lagerbestände. Aluminium und Zink notierten kaum verändert. "
  "Händler warten auf Konjunkturdaten aus China.",
  None, "CN", "copper nickel aluminum zinc")

A("de", "Kasachstan will mehr Wolfram fördern",
  "Kasachstan will ab 2026 das Wolframvorkommen Boguty erschließen. Ein chinesischer Investor soll den Bau finanzieren. "
  "Astana betrachtet Wolfram als strategischen Rohstoff. "
  "Abnehmer in Deutschland haben Interesse an langfristigen Verträgen signalisiert.",
  "KZ", "KZ CN DE", "tungsten")

A("de", "Weißrussland: Kali über russische Häfen",
  "Weißrussland verschifft sein Kali inzwischen fast vollständig über Russland. "
  "Seit Litauen den Transit gestoppt hat, rollen die Züge nach St. Petersburg. Russische Hafenbetreiber profitieren davon. "
  "Minsk meldet wieder steigende Exporte nach China und Indien.",
  "BY", "BY RU LT CN IN", "potash")

A("de", "Kohleausstieg: Lausitz sucht neue Industrie",
  "Die Lausitz im Osten Deutschlands sucht nach dem Ende der Braunkohle neue Industrien. "
  "Ein Unternehmen aus Kanada will dort Lithiumhydroxid herstellen. Der Rohstoff soll aus Australien kommen. "
  "Die Landesregierung in Brandenburg fördert das Projekt.",
  "DE", "DE CA AU", "coal lithium")

A("de", "Ölpreise fallen deutlich",
  "Die Ölpreise sind am Dienstag deutlich gefallen. Ein Barrel der Sorte Brent kostete 76 Dollar. "
  "Auch Erdgas wurde in Europa billiger. Analysten verweisen auf die schwache Nachfrage.",
  None, "", "crude-oil natural-gas")

# --------------------------------------------------------------------------------------------
# Russian
# --------------------------------------------------------------------------------------------
A("ru", "Пекин ограничил экспорт сурьмы",
  "Пекин ввёл экспортный контроль на сурьму и сверхтвёрдые материалы. "
  "Китай обеспечивает почти половину мировой добычи сурьмы. Цены на металл в Европе выросли на 20%. "
  "Российские производители надеются нарастить поставки.",
  "CN", "CN RU", "antimony")

A("ru", "Казахстан наращивает добычу урана",
  "«Казатомпром» планирует увеличить добычу урана на 10%. Казахстан обеспечивает около 40% мирового производства. "
  "Основные покупатели — Китай и Франция. Компания также ведёт переговоры с США.",
  "KZ", "KZ CN FR US", "uranium")

A("ru", "Цены на металлы: медь дорожает",
  "Медь подорожала на Лондонской бирже металлов на 1,5%. Никель и алюминий подешевели. "
  "Золото держится вблизи рекорда. Инвесторы ждут данных по инфляции в США.",
  None, "US", "copper nickel aluminum gold")

A("ru", "Монголия увеличила экспорт угля в Китай",
  "Монголия в первом полугодии экспортировала в Китай 40 млн тонн угля. Большую часть составил коксующийся уголь. "
  "Улан-Батор строит новую железную дорогу к границе. Китайские металлургические компании увеличили закупки.",
  "MN", "MN CN", "coal coking-coal")

A("ru", "Грузия: забастовка на марганцевых рудниках",
  "Горняки Чиатуры в Грузии объявили забастовку. Марганцевая руда с этих рудников идёт на завод в Зестафони. "
  "Основные покупатели ферросплавов — Турция и Россия. Тбилиси призвал стороны к переговорам.",
  "GE", "GE TR RU", "manganese")

# --------------------------------------------------------------------------------------------
# Ukrainian
# --------------------------------------------------------------------------------------------
A("uk", "Київ і Вашингтон підписали угоду про корисні копалини",
  "Україна та США підписали угоду про спільний інвестиційний фонд для розвитку родовищ. "
  "До переліку входять літій, титан, графіт і рідкісноземельні метали. "
  "Вашингтон отримає пріоритет у закупівлі сировини. Угоду ще має ратифікувати Верховна Рада.",
  "UA", "UA US", "lithium titanium graphite rare-earth-elements")

A("uk", "Білорусь нарощує експорт калію до Китаю",
  "Білорусь збільшила постачання калійних добрив до Китаю на 30%. Вантажі йдуть залізницею через Росію. "
  "Мінськ також шукає нових покупців в Азії. Литва з 2022 року заборонила транзит білоруського калію.",
  "BY", "BY CN RU LT", "potash")

A("uk", "Ціни на метали: золото на рекорді",
  "Золото оновило історичний максимум. Срібло подорожчало на 2%, а платина залишилася без змін. "
  "Мідь подешевшала через слабкий попит у Китаї. Аналітики очікують подальшого зростання цін на золото.",
  None, "CN", "gold silver platinum copper")

A("uk", "Нікопольський завод зупинив виробництво",
  "Нікопольський завод феросплавів зупинив виробництво через обстріли. "
  "Підприємство переробляло марганцеву руду з родовищ Дніпропетровщини. "
  "Раніше завод експортував продукцію до Європи та Туреччини. Україна втрачає один з найбільших експортних активів.",
  "UA", "UA TR", "manganese")

A("uk", "Пекін обмежив експорт галію",
  "Пекін запровадив повну заборону експорту галію та германію до США. "
  "Китай контролює понад 90% світового виробництва галію. "
  "Американські виробники напівпровідників шукають альтернативи в Японії та Канаді. Ціни на галій у Європі зросли вдвічі.",
  "CN", "CN US JP CA", "gallium germanium")

# --------------------------------------------------------------------------------------------
# Spanish
# --------------------------------------------------------------------------------------------
A("es", "Chile aprueba la alianza de litio entre Codelco y SQM",
  "El gobierno chileno aprobó la alianza entre Codelco y SQM para explotar el litio del Salar de Atacama. "
  "Santiago espera duplicar la producción antes de 2030. Inversionistas de China y Estados Unidos siguen de cerca el acuerdo. "
  "Argentina compite por las mismas inversiones.",
  "CL", "CL CN US AR", "lithium")

A("es", "Precios de los metales: el cobre sube",
  "El cobre subió un 2% en la Bolsa de Metales de Londres. El zinc y el plomo también avanzaron. "
  "El oro se mantuvo estable. Los operadores esperan datos de China.",
  None, "CN", "copper zinc lead gold")

A("es", "Pekín restringe la exportación de tierras raras",
  "Pekín añadió siete tierras raras a su lista de control de exportaciones, entre ellas el disprosio y el terbio. "
  "Los fabricantes de imanes en Japón y Alemania temen escasez. China produce más del 90% de los imanes de tierras raras. "
  "Estados Unidos calificó la medida de coerción económica.",
  "CN", "CN JP DE US", "rare-earth-elements dysprosium terbium")
