"""Original demo content for BalkanView, written for the project."""

# All people, institutions' statements and events below are fictional and were
# written for this demo. Place names are real; links point to example.org only.

CATEGORIES = [
    # key, then the name per locale; slugs are derived by the app, do not add them
    {"key": "local", "names": {"sq": "Lokale", "mk": "Локално", "en": "Local"}},
    {"key": "politics", "names": {"sq": "Politikë", "mk": "Политика", "en": "Politics"}},
    {"key": "economy", "names": {"sq": "Ekonomi", "mk": "Економија", "en": "Economy"}},
    {"key": "culture", "names": {"sq": "Kulturë", "mk": "Култура", "en": "Culture"}},
]

TAGS = [
    {"key": "water", "names": {"sq": "Uji", "mk": "Вода", "en": "Water"}},
    {"key": "municipality", "names": {"sq": "Komuna", "mk": "Општина", "en": "Municipality"}},
    {"key": "transport", "names": {"sq": "Transporti", "mk": "Сообраќај", "en": "Transport"}},
    {"key": "education", "names": {"sq": "Arsimi", "mk": "Образование", "en": "Education"}},
    {"key": "environment", "names": {"sq": "Mjedisi", "mk": "Животна средина", "en": "Environment"}},
    {"key": "tourism", "names": {"sq": "Turizmi", "mk": "Туризам", "en": "Tourism"}},
    {"key": "agriculture", "names": {"sq": "Bujqësia", "mk": "Земјоделство", "en": "Agriculture"}},
    {"key": "budget", "names": {"sq": "Buxheti", "mk": "Буџет", "en": "Budget"}},
    {"key": "heritage", "names": {"sq": "Trashëgimia", "mk": "Наследство", "en": "Heritage"}},
    {"key": "health", "names": {"sq": "Shëndetësia", "mk": "Здравство", "en": "Health"}},
    {"key": "business", "names": {"sq": "Biznesi", "mk": "Бизнис", "en": "Business"}},
]

ARTICLES = [
    # ------------------------------------------------------------------ 1
    {
        "key": "tetovo-water",
        "category": "local",
        "source_locale": "mk",
        "author": "Elena Trajkovska",
        "published_hours_ago": 5,
        "tags": ["water", "municipality"],
        "image": {"color": "#2a6f97"},
        "translations": {
            "mk": {
                "headline": "Водоводот во Тетово планира ноќни поправки на главниот цевковод",
                "lede": "Жителите на три дела од Тетово ќе имаат послаб притисок на водата од 23 до 5 часот во текот на десет дена, додека јавното претпријатие заменува дел од главниот цевковод.",
                "body": """\
Работите започнуваат на 14 март и опфаќаат потег од 1.800 метри цевки поставени во 1978 година. Според претпријатието, токму овој стар дел е причина за голем дел од водата што се губи пред да стигне до домаќинствата.

## Кои делови се засегнати

Од претпријатието велат дека околу 4.200 домаќинства може да забележат послаб притисок или кратки прекини во текот на ноќта. Засегнати се:

- населбата околу Старата чаршија
- улиците северно од градскиот стадион
- населбата кај железничката станица

Жителите се советуваат навечер да обезбедат резерва вода за пиење и преку ноќ да ги држат славините затворени. Секоја вечер од 22 часот кај градскиот стадион ќе биде поставена цистерна со вода.

Проектот чини 38,5 милиони денари и се финансира од општината и од заем од развојна банка. Целосниот распоред е објавен на [веб-страницата на општината](https://example.org/tetovo).

Директорот на претпријатието, Петар Николовски, изјави дека поправките треба да ги намалат загубите за речиси една третина. „Ги избравме ноќните часови за да не бидат засегнати училиштата и бизнисите“, рече тој.""",
                "image_caption": "Работници го проверуваат стариот дел од главниот цевковод во Тетово.",
                "image_alt": "Двајца работници во портокалови елеци стојат покрај отворен ров со голема цевка.",
            },
            "sq": {
                "headline": "Ujësjellësi i Tetovës planifikon riparime gjatë natës në gypin kryesor",
                "lede": "Banorët e tri pjesëve të Tetovës do të kenë presion më të ulët të ujit nga ora 23:00 deri në 05:00 gjatë dhjetë ditëve, ndërsa ndërmarrja publike zëvendëson një pjesë të gypit kryesor.",
                "body": """\
Punimet fillojnë më 14 mars dhe përfshijnë një segment gypash prej 1.800 metrash, të vendosur në vitin 1978. Sipas ndërmarrjes, pikërisht ky segment i vjetër shkakton një pjesë të madhe të humbjeve të ujit para se ai të arrijë te familjet.

## Cilat zona preken

Nga ndërmarrja thonë se rreth 4.200 familje mund të vërejnë presion më të ulët ose ndërprerje të shkurtra gjatë natës. Zonat e prekura janë:

- lagjja përreth Çarshisë së Vjetër
- rrugët në veri të stadiumit të qytetit
- lagjja pranë stacionit hekurudhor

Banorëve u këshillohet që në mbrëmje të sigurojnë rezerva uji të pijshëm dhe gjatë natës t'i mbajnë çezmat të mbyllura. Çdo mbrëmje nga ora 22:00 pranë stadiumit të qytetit do të vendoset një autocisternë me ujë.

Projekti kushton 38,5 milionë denarë dhe financohet nga komuna së bashku me një kredi nga një bankë zhvillimore. Orari i plotë është publikuar në [faqen e internetit të komunës](https://example.org/tetovo).

Drejtori i ndërmarrjes, Petar Nikollovski, deklaroi se riparimet duhet t'i ulin humbjet për gati një të tretën. „I zgjodhëm orët e natës që të mos preken shkollat dhe bizneset“, tha ai.""",
                "image_caption": "Punëtorë duke kontrolluar pjesën e vjetër të gypit kryesor në Tetovë.",
                "image_alt": "Dy punëtorë me jelekë portokalli qëndrojnë pranë një kanali të hapur me një gyp të madh.",
            },
            "en": {
                "headline": "Tetovo water utility plans night-time repairs on its main pipeline",
                "lede": "Residents of three parts of Tetovo will have lower water pressure between 23:00 and 05:00 for ten days while the public utility replaces a section of the main supply pipeline.",
                "body": """\
The works begin on 14 March and cover a 1,800-metre stretch of pipe laid in 1978. According to the utility, this old section is responsible for a large share of the water lost before it reaches households.

## Which areas are affected

The utility says about 4,200 households may notice lower pressure or short interruptions during the night. The affected areas are:

- the neighbourhood around the Old Bazaar
- the streets north of the city stadium
- the neighbourhood near the railway station

Residents are advised to store drinking water in the evening and to keep their taps closed overnight. A water tanker will be stationed near the city stadium from 22:00 every night.

The project costs 38.5 million denars and is financed by the municipality together with a loan from a development bank. The full schedule is published on [the municipality's website](https://example.org/tetovo).

The utility's director, Petar Nikolovski, said the repairs should cut losses by almost a third. “We chose the night hours so that schools and businesses are not affected,” he said.""",
                "image_caption": "Workers inspecting the old section of the main pipeline in Tetovo.",
                "image_alt": "Two workers in orange vests standing next to an open trench with a large pipe.",
            },
        },
    },
    # ------------------------------------------------------------------ 2
    {
        "key": "gjorce-petrov-bus",
        "category": "local",
        "source_locale": "mk",
        "author": "Marija Stojanovska",
        "published_hours_ago": 18,
        "tags": ["transport", "health"],
        "image": {"color": "#e07a5f"},
        "translations": {
            "mk": {
                "headline": "Нова автобуска линија ќе ги поврзе Ѓорче Петров и Клиничкиот центар во Скопје",
                "lede": "Од 1 април автобусите ќе сообраќаат на секои 20 минути меѓу Ѓорче Петров и Клиничкиот центар, па илјадници патници веќе нема да мора да се префрлаат во центарот на градот.",
                "body": """\
Новата линија, со број 57, ќе има 19 постојки и вкупна должина од 14,6 километри. Првиот автобус тргнува во 5:30 часот, а последниот се враќа нешто пред полноќ.

## Помалку преседнувања за пациентите

Досега жителите што патуваат кон болниците мораа да се префрлат барем еднаш, што можеше да го продолжи патувањето за половина час. Според анкета на општината, околу 3.500 луѓе го прават ова патување секој работен ден.

Градското јавно претпријатие за превоз на линијата ќе вклучи шест нови нископодни автобуси. Секое возило има место за инвалидска количка и за две детски колички.

Жителите ја поздравија одлуката, но побараа почести поаѓања за викенд, кога линијата ќе сообраќа само на секои 40 минути. Од претпријатието велат дека возниот ред ќе биде ревидиран по првите три месеци.

Билетот чини исто како и на другите градски линии, 40 денари, а важи и постојната месечна карта. Учениците, студентите и пензионерите ги задржуваат своите попусти.""",
                "image_caption": "Еден од новите нископодни автобуси за време на пробното возење во Ѓорче Петров.",
                "image_alt": "Црвен градски автобус на постојка со стаклена настрешница.",
            },
            "sq": {
                "headline": "Linjë e re autobusi do ta lidhë Gjorçe Petrovin me Qendrën Klinike në Shkup",
                "lede": "Nga 1 prilli autobusët do të qarkullojnë çdo 20 minuta mes Gjorçe Petrovit dhe Qendrës Klinike, kështu që mijëra udhëtarë nuk do të jenë më të detyruar të ndërrojnë autobus në qendër të qytetit.",
                "body": """\
Linja e re, me numrin 57, do të ketë 19 stacione dhe gjatësi të përgjithshme prej 14,6 kilometrash. Autobusi i parë niset në orën 5:30, ndërsa i fundit kthehet pak para mesnatës.

## Më pak ndërrime për pacientët

Deri tani, banorët që udhëtonin drejt spitaleve duhej të ndërronin autobus të paktën një herë, gjë që mund ta zgjaste rrugën për gjysmë ore. Sipas një ankete të komunës, rreth 3.500 njerëz e bëjnë këtë udhëtim çdo ditë pune.

Ndërmarrja publike e transportit të qytetit do të vërë në këtë linjë gjashtë autobusë të rinj me dysheme të ulët. Çdo automjet ka hapësirë për një karrocë për persona me aftësi të kufizuara dhe për dy karroca fëmijësh.

Banorët e përshëndetën vendimin, por kërkuan nisje më të shpeshta gjatë fundjavës, kur linja do të qarkullojë vetëm çdo 40 minuta. Nga ndërmarrja thonë se orari do të rishikohet pas tre muajve të parë.

Bileta kushton njësoj si në linjat e tjera të qytetit, 40 denarë, dhe vlen edhe karta mujore ekzistuese. Nxënësit, studentët dhe pensionistët i ruajnë zbritjet e tyre.""",
                "image_caption": "Një nga autobusët e rinj me dysheme të ulët gjatë udhëtimit provues në Gjorçe Petrov.",
                "image_alt": "Autobus i kuq i qytetit në një stacion me strehë prej xhami.",
            },
            "en": {
                "headline": "New bus line to link Gjorče Petrov with Skopje's Clinical Centre",
                "lede": "From 1 April, buses will run every 20 minutes between Gjorče Petrov and the Clinical Centre, so thousands of passengers will no longer have to change buses in the city centre.",
                "body": """\
The new line, number 57, will have 19 stops and a total length of 14.6 kilometres. The first bus leaves at 5:30, and the last one returns shortly before midnight.

## Fewer transfers for patients

Until now, residents travelling to the hospitals had to change buses at least once, which could add half an hour to the journey. According to a survey by the municipality, about 3,500 people make this trip every working day.

The city's public transport company will put six new low-floor buses on the line. Each vehicle has room for a wheelchair and two prams.

Residents welcomed the decision but asked for more frequent departures at weekends, when the line will run only every 40 minutes. The company says the timetable will be reviewed after the first three months.

A ticket costs the same as on other city lines, 40 denars, and the existing monthly pass is also valid. Pupils, students and pensioners keep their discounts.""",
                "image_caption": "One of the new low-floor buses during a test run in Gjorče Petrov.",
                "image_alt": "A red city bus at a stop with a glass shelter.",
            },
        },
    },
    # ------------------------------------------------------------------ 3
    {
        "key": "suto-orizari-kindergarten",
        "category": "local",
        "source_locale": "mk",
        "author": "Goran Petrushevski",
        "published_hours_ago": 27,
        "tags": ["education", "municipality"],
        "translations": {
            # no Albanian translation yet
            "mk": {
                "headline": "Шуто Оризари добива прва нова градинка по петнаесет години",
                "lede": "Градинката на работ на општината ќе прима 120 деца од септември и ќе ја скрати листата на чекање, која, според родителите, расте секоја година.",
                "body": """\
Едноспратниот објект има шест простории за игра со шарено обоени ѕидови, кујна и оградена градина од околу 900 квадратни метри. Изградбата започна во мај минатата година и чинеше 62 милиони денари, поделени меѓу општината и Владата.

## Места и запишување

Запишувањето започнува на 3 јуни и ќе трае две недели. Предност ќе имаат семејствата во кои двајцата родители работат и децата што веќе една година се на листата на чекање.

Според општинската евиденција, минатата година 310 деца аплицирале за место во јавните градинки, но биле примени само 140. Новиот објект нема целосно да го затвори јазот, но речиси ќе го удвои сегашниот капацитет.

Општината планира да вработи 18 воспитувачи и помошен персонал, меѓу кои и воспитувачи што зборуваат и македонски и ромски јазик. Здруженијата на родители побараа меѓу вработените да има и логопед.

Во мај тимови од општината ќе ги посетат населбите за да им помогнат на семејствата да ги пополнат пријавите. Формуларите ќе бидат достапни и во општинската зграда секој работен ден од 8 до 16 часот.""",
            },
            "en": {
                "headline": "Šuto Orizari gets its first new kindergarten in fifteen years",
                "lede": "The kindergarten on the edge of the municipality will take 120 children from September and shorten a waiting list that, according to parents, grows every year.",
                "body": """\
The single-storey building has six playrooms with brightly painted walls, a kitchen and a fenced garden of about 900 square metres. Construction began in May last year and cost 62 million denars, shared between the municipality and the government.

## Places and enrolment

Enrolment opens on 3 June and will last two weeks. Priority will go to families in which both parents work and to children who have already spent a year on the waiting list.

According to municipal records, 310 children applied for a place in public kindergartens last year, but only 140 were accepted. The new building will not close the gap entirely, but it will nearly double the current capacity.

The municipality plans to hire 18 educators and support staff, including educators who speak both Macedonian and Romani. Parents' associations have asked that the staff also include a speech therapist.

In May, teams from the municipality will visit the neighbourhoods to help families fill in the application forms. The forms will also be available at the municipal building every working day from 8:00 to 16:00.""",
            },
        },
    },
    # ------------------------------------------------------------------ 4
    {
        "key": "gostivar-green-market",
        "category": "economy",
        "source_locale": "sq",
        "author": "Arta Selmani",
        "published_hours_ago": 30,
        "tags": ["business", "agriculture", "municipality"],
        "image": {"color": "#81b29a"},
        "translations": {
            "sq": {
                "headline": "Tregu i gjelbër në Gostivar rihapet pas rinovimit me 86 tezga të reja",
                "lede": "Pas pesë muajsh punimesh, shitësit e frutave dhe perimeve u kthyen të shtunën nën një çati të re, ndërsa komuna premton qira të pandryshuar deri në fund të vitit.",
                "body": """\
Rinovimi kushtoi 24 milionë denarë dhe përfshiu një çati të re, kanalizim dhe ndriçim. Tezgat janë të numëruara dhe secila ka qasje në rrymë dhe ujë.

## Çfarë thonë shitësit

Shumica e shitësve që folën për BalkanView thanë se kushtet janë shumë më të mira se më parë. Fermeri Besnik Idrizi nga Çegrani, i cili shet në treg prej 22 vitesh, tha se për herë të parë nuk ka frikë nga shiu.

Disa shitës u ankuan se tezgat e reja janë më të vogla se të vjetrat. Sipas komunës, secila ka 2,4 metra gjatësi, ose rreth 30 centimetra më pak se më parë, në mënyrë që të krijohet vend për kalime më të gjera.

Qiraja mujore mbetet **3.000 denarë për tezgë** deri më 31 dhjetor. Këshilli komunal do të vendosë në nëntor nëse çmimet do të ndryshojnë vitin e ardhshëm.

Tregu është i hapur çdo ditë nga ora 6:00 deri në 14:00, përveç të hënës. Të shtunën, kur vijnë edhe fermerët nga fshatrat përreth, orari zgjatet deri në orën 16:00.""",
                "image_caption": "Shitës duke rregulluar tezgat nën çatinë e re të tregut të gjelbër në Gostivar.",
                "image_alt": "Rreshta tezgash me arka domatesh, specash dhe mollësh nën një çati metalike.",
            },
            "mk": {
                "headline": "Зелениот пазар во Гостивар повторно се отвора по реновирањето со 86 нови тезги",
                "lede": "По пет месеци работи, продавачите на овошје и зеленчук се вратија в сабота под нов покрив, а општината ветува непроменета закупнина до крајот на годината.",
                "body": """\
Реновирањето чинеше 24 милиони денари и опфати нов покрив, канализација и осветлување. Тезгите се нумерирани и секоја има приклучок за струја и вода.

## Што велат продавачите

Повеќето продавачи што разговараа со BalkanView рекоа дека условите се многу подобри од порано. Земјоделецот Бесник Идризи од Чегране, кој на пазарот продава веќе 22 години, рече дека за првпат не се плаши од дожд.

Некои продавачи се пожалија дека новите тезги се помали од старите. Според општината, секоја е долга 2,4 метри, или околу 30 сантиметри помалку од порано, за да има простор за пошироки премини.

Месечната закупнина останува **3.000 денари по тезга** до 31 декември. Општинскиот совет во ноември ќе одлучи дали цените ќе се менуваат следната година.

Пазарот работи секој ден од 6 до 14 часот, освен во понеделник. Во сабота, кога доаѓаат и земјоделците од околните села, работното време се продолжува до 16 часот.""",
                "image_caption": "Продавачи ги подготвуваат тезгите под новиот покрив на зелениот пазар во Гостивар.",
                "image_alt": "Редови тезги со гајби домати, пиперки и јаболка под метален покрив.",
            },
            "en": {
                "headline": "Gostivar's green market reopens after renovation with 86 new stalls",
                "lede": "After five months of works, fruit and vegetable sellers returned on Saturday under a new roof, and the municipality promises unchanged rents until the end of the year.",
                "body": """\
The renovation cost 24 million denars and included a new roof, drainage and lighting. The stalls are numbered and each has access to electricity and water.

## What the sellers say

Most sellers who spoke to BalkanView said conditions are much better than before. Farmer Besnik Idrizi from Čegrane, who has sold at the market for 22 years, said that for the first time he is not afraid of the rain.

Some sellers complained that the new stalls are smaller than the old ones. According to the municipality, each is 2.4 metres long, about 30 centimetres less than before, to make room for wider aisles.

The monthly rent stays at **3,000 denars per stall** until 31 December. The municipal council will decide in November whether prices will change next year.

The market is open every day from 6:00 to 14:00, except on Mondays. On Saturdays, when farmers from the surrounding villages also come, opening hours are extended until 16:00.""",
                "image_caption": "Sellers setting up their stalls under the new roof of Gostivar's green market.",
                "image_alt": "Rows of stalls with crates of tomatoes, peppers and apples under a metal roof.",
            },
        },
    },
    # ------------------------------------------------------------------ 5
    {
        "key": "sharr-bogovinje-trail",
        "category": "local",
        "source_locale": "sq",
        "author": "Drilon Bexheti",
        "published_hours_ago": 36,
        "tags": ["tourism", "environment"],
        "image": {"color": "#3d5a80"},
        "translations": {
            "sq": {
                "headline": "Shteg i ri i shënjuar lidh Kodrën e Diellit me Liqenin e Bogovinës në Malin Sharr",
                "lede": "Vullnetarët e një shoqate alpiniste nga Tetova kaluan tri fundjava duke vendosur shenja dhe tabela përgjatë një shtegu prej 11,5 kilometrash, i cili tani është i hapur për vizitorët.",
                "body": """\
Shtegu fillon te parkingu kryesor në Kodrën e Diellit dhe ngjitet gradualisht deri në lartësinë 1.960 metra. Për një këmbësor me përvojë mesatare, rruga në një drejtim zgjat rreth katër orë.

Shoqata pikturoi 140 shenja të kuqe e të bardha në gurë dhe në pemë dhe vendosi 12 tabela me distancat. Materialet u blenë me një grant prej 180.000 denarësh nga Komuna e Tetovës.

## Çfarë duhet të keni me vete

Edhe pse shtegu nuk është teknikisht i vështirë, ai është i gjatë dhe pjesërisht i ekspozuar. Alpinistët e shoqatës këshillojnë që vizitorët të mos nisen pa pajisjet bazë:

- këpucë të forta për mal
- të paktën një litër e gjysmë ujë për person
- xhaketë kundër shiut, edhe kur parashikimi është i mirë
- telefon të karikuar dhe hartë të shkarkuar paraprakisht

Mbi 1.800 metra nuk ka sinjal të qëndrueshëm telefonik, prandaj shoqata rekomandon që askush të mos ecë i vetëm. *Moti në mal ndryshon shpejt, edhe në mes të verës*, kujton kryetari i shoqatës, Ilir Sulejmani.

Harta e shtegut dhe numrat e shërbimit të shpëtimit malor janë publikuar në [faqen e shoqatës](https://example.org/sharr-trails). Deri në tetor shoqata planifikon të shënojë edhe dy shtigje të tjera për adhuruesit e malit.""",
                "image_caption": "Një shenjë e re e kuqe dhe e bardhë mbi një gur përgjatë shtegut drejt Liqenit të Bogovinës.",
                "image_alt": "Rreth i kuq me qendër të bardhë i pikturuar mbi një gur gri, me shpatet e malit në sfond.",
            },
            "mk": {
                "headline": "Нова обележана патека ја поврзува Попова Шапка со Боговинското Езеро на Шар Планина",
                "lede": "Волонтери од едно тетовско планинарско друштво поминаа три викенди поставувајќи ознаки и табли долж патека од 11,5 километри, која сега е отворена за посетителите.",
                "body": """\
Патеката започнува кај главниот паркинг на Попова Шапка и постепено се искачува до надморска височина од 1.960 метри. За планинар со просечно искуство, патот во еден правец трае околу четири часа.

Друштвото исцрта 140 црвено-бели ознаки на карпи и дрвја и постави 12 табли со растојанијата. Материјалите беа купени со грант од 180.000 денари од Општина Тетово.

## Што да понесете

Иако патеката не е технички тешка, таа е долга и делумно изложена. Планинарите од друштвото ги советуваат посетителите да не тргнуваат без основна опрема:

- цврсти планинарски чевли
- најмалку литар и пол вода по лице
- јакна за дожд, дури и кога прогнозата е добра
- наполнет телефон и претходно преземена мапа

Над 1.800 метри нема стабилен телефонски сигнал, па друштвото препорачува никој да не оди сам. *Времето на планина брзо се менува, дури и среде лето*, потсетува претседателот на друштвото, Илир Сулејмани.

Мапата на патеката и броевите на планинската спасувачка служба се објавени на [веб-страницата на друштвото](https://example.org/sharr-trails). До октомври друштвото планира да обележи уште две патеки за љубителите на планината.""",
                "image_caption": "Нова црвено-бела ознака на карпа долж патеката кон Боговинското Езеро.",
                "image_alt": "Црвен круг со бело средиште насликан на сива карпа, со планински падини во позадина.",
            },
            "en": {
                "headline": "New marked trail links Popova Šapka with Lake Bogovinje on Šar Mountain",
                "lede": "Volunteers from a Tetovo mountaineering club spent three weekends putting up markers and signs along an 11.5-kilometre trail, which is now open to visitors.",
                "body": """\
The trail starts at the main car park in Popova Šapka and climbs gradually to an altitude of 1,960 metres. For a walker of average experience, the route takes about four hours one way.

The club painted 140 red-and-white markers on rocks and trees and put up 12 signposts showing distances. The materials were bought with a grant of 180,000 denars from the Municipality of Tetovo.

## What to take with you

Although the trail is not technically difficult, it is long and partly exposed. The club's mountaineers advise visitors not to set out without basic equipment:

- sturdy hiking boots
- at least one and a half litres of water per person
- a rain jacket, even when the forecast is good
- a charged phone and a map downloaded in advance

Above 1,800 metres there is no stable phone signal, so the club recommends that nobody walks alone. *The weather in the mountains changes quickly, even in midsummer*, the club's president, Ilir Sulejmani, reminds visitors.

A map of the trail and the numbers of the mountain rescue service are published on [the club's website](https://example.org/sharr-trails). By October, the club plans to mark two more trails for mountain lovers.""",
                "image_caption": "A new red-and-white marker on a rock along the trail to Lake Bogovinje.",
                "image_alt": "A red circle with a white centre painted on a grey rock, with mountain slopes in the background.",
            },
        },
    },
    # ------------------------------------------------------------------ 6
    {
        "key": "polog-raspberry-growers",
        "category": "economy",
        "source_locale": "sq",
        "author": "Fatmire Ademi",
        "published_hours_ago": 120,
        "tags": ["agriculture", "business"],
        "translations": {
            # no English translation yet
            "sq": {
                "headline": "Kultivuesit e mjedrave në Pollog presin çmim më të mirë pas një viti të vështirë",
                "lede": "Pas breshërit të korrikut të kaluar, i cili dëmtoi mbi një të tretën e prodhimit, fermerët në fshatrat e Tetovës dhe të Gostivarit thonë se këtë sezon kanë investuar më shumë në rrjeta mbrojtëse.",
                "body": """\
Sipas shoqatës rajonale të kultivuesve, në Pollog ka rreth 420 hektarë me mjedra, shumica në parcela të vogla familjare. Vitin e kaluar u vjelën afërsisht 2.600 tonë, ndërsa një vit më parë prodhimi kishte kaluar 3.900 tonë.

## Rrjetat kundër breshërit

Një rrjetë mbrojtëse për një hektar kushton rreth 6.500 euro, shumë për një familje që jeton nga bujqësia. Prandaj shumë fermerë u bashkuan dhe i blenë rrjetat së bashku, duke marrë zbritje nga furnizuesi.

Ministria e Bujqësisë ka shpallur një program subvencionesh që mbulon deri në 50 për qind të kostos. Afati për aplikim është 30 prilli, ndërsa formularët gjenden në zyrat rajonale në Tetovë dhe në Gostivar.

Blerësit grumbullues ende nuk e kanë shpallur çmimin për këtë sezon. Fermerët shpresojnë që ai të mos bjerë nën 120 denarë për kilogram, sa ishte mesatarja e vitit të kaluar.

Vjelja zakonisht fillon në mes të qershorit dhe zgjat deri në fillim të gushtit. Gjatë kësaj periudhe, shumë familje punësojnë edhe punëtorë sezonalë nga fshatrat fqinje.""",
            },
            "mk": {
                "headline": "Одгледувачите на малини во Полог очекуваат подобра цена по тешката година",
                "lede": "По лањскиот јулски град, кој оштети над една третина од родот, земјоделците во тетовските и гостиварските села велат дека оваа сезона вложиле повеќе во заштитни мрежи.",
                "body": """\
Според регионалното здружение на одгледувачи, во Полог има околу 420 хектари под малини, најмногу на мали семејни парцели. Минатата година биле собрани приближно 2.600 тони, додека годината пред тоа родот надминал 3.900 тони.

## Мрежите против град

Заштитна мрежа за еден хектар чини околу 6.500 евра, што е многу за семејство што живее од земјоделство. Затоа многу земјоделци се здружија и ги купија мрежите заедно, добивајќи попуст од добавувачот.

Министерството за земјоделство објави програма за субвенции што покрива до 50 отсто од трошокот. Рокот за аплицирање е 30 април, а формуларите се достапни во регионалните канцеларии во Тетово и во Гостивар.

Откупувачите сѐ уште не ја објавиле цената за оваа сезона. Земјоделците се надеваат дека таа нема да падне под 120 денари за килограм, колку што изнесуваше просекот минатата година.

Бербата обично започнува во средината на јуни и трае до почетокот на август. Во тој период многу семејства ангажираат и сезонски работници од соседните села.""",
            },
        },
    },
    # ------------------------------------------------------------------ 7
    {
        "key": "tetovo-budget-hearings",
        "category": "politics",
        "source_locale": "en",
        "author": "Sara Mitreva",
        "published_hours_ago": 220,
        "tags": ["budget", "municipality"],
        "image": {"color": "#6d597a"},
        "translations": {
            "en": {
                "headline": "Tetovo council opens public hearings on next year's budget",
                "lede": "Residents can comment on the draft budget at four meetings in different parts of the municipality before councillors vote on it in December.",
                "body": """\
The draft foresees total spending of 2.1 billion denars, about 7 percent more than this year. The largest share, 38 percent, is planned for education, followed by roads and public lighting.

## Meeting schedule

All meetings start at 18:00 and will be attended by councillors and heads of municipal departments. They are open to anyone who lives in the municipality:

- **4 November**, the municipal building, main hall
- **6 November**, the primary school in Poroj
- **11 November**, the local community office in Džepčište
- **13 November**, the house of culture in Šipkovica

Written comments can also be sent until 20 November through [the council's online form](https://example.org/tetovo/budget). The municipality says every comment will receive a written answer before the vote.

Last year only 95 residents took part in the hearings, most of them at the meeting in the city centre. Council president Valon Rushiti said that this time three of the four meetings had been organised outside the city centre to reach more people.

> We want to hear from people who never come to the municipal building. A budget is easier to defend when more residents have given their views on it.

The draft will be discussed by the council's finance committee on 27 November. The final vote is expected at the session on 18 December.""",
                "image_caption": "Councillors during a session in the main hall of the Tetovo municipal building.",
                "image_alt": "A long table with microphones and name cards in a council chamber.",
            },
            "mk": {
                "headline": "Советот на Општина Тетово отвора јавни расправи за буџетот за наредната година",
                "lede": "Жителите ќе можат да дадат забелешки на нацрт-буџетот на четири средби во различни делови од општината, пред советниците да гласаат за него во декември.",
                "body": """\
Нацртот предвидува вкупни расходи од 2,1 милијарда денари, околу 7 отсто повеќе од оваа година. Најголемиот дел, 38 отсто, е наменет за образование, а потоа следат патиштата и јавното осветлување.

## Распоред на средбите

Сите средби почнуваат во 18 часот, а на нив ќе присуствуваат советници и раководители на општинските сектори. Тие се отворени за секој што живее во општината:

- **4 ноември**, зградата на општината, голема сала
- **6 ноември**, основното училиште во Порој
- **11 ноември**, месната заедница во Џепчиште
- **13 ноември**, домот на културата во Шипковица

Писмени забелешки може да се испратат и до 20 ноември преку [онлајн-формуларот на советот](https://example.org/tetovo/budget). Од општината велат дека секоја забелешка ќе добие писмен одговор пред гласањето.

Минатата година на расправите учествуваа само 95 жители, повеќето на средбата во центарот на градот. Претседателот на советот, Валон Рушити, изјави дека овој пат три од четирите средби се организирани надвор од центарот за да се допре до повеќе луѓе.

> Сакаме да ги слушнеме луѓето што никогаш не доаѓаат во зградата на општината. Буџетот полесно се брани кога повеќе жители го дале своето мислење за него.

Нацртот ќе го разгледа комисијата за финансии на советот на 27 ноември. Конечното гласање се очекува на седницата на 18 декември.""",
                "image_caption": "Советници за време на седница во големата сала на зградата на Општина Тетово.",
                "image_alt": "Долга маса со микрофони и картички со имиња во салата за седници.",
            },
            "sq": {
                "headline": "Këshilli i Komunës së Tetovës hap dëgjime publike për buxhetin e vitit të ardhshëm",
                "lede": "Banorët do të mund të japin komente për projektbuxhetin në katër takime në pjesë të ndryshme të komunës, para se këshilltarët ta votojnë atë në dhjetor.",
                "body": """\
Projektbuxheti parashikon shpenzime të përgjithshme prej 2,1 miliardë denarësh, rreth 7 për qind më shumë se këtë vit. Pjesa më e madhe, 38 për qind, është planifikuar për arsimin, e ndjekur nga rrugët dhe ndriçimi publik.

## Orari i takimeve

Të gjitha takimet fillojnë në orën 18:00 dhe në to do të marrin pjesë këshilltarë dhe drejtues të sektorëve komunalë. Ato janë të hapura për këdo që jeton në komunë:

- **4 nëntor**, ndërtesa e komunës, salla e madhe
- **6 nëntor**, shkolla fillore në Poroj
- **11 nëntor**, bashkësia lokale në Xhepçisht
- **13 nëntor**, shtëpia e kulturës në Shipkovicë

Komentet me shkrim mund të dërgohen edhe deri më 20 nëntor përmes [formularit në internet të këshillit](https://example.org/tetovo/budget). Nga komuna thonë se çdo koment do të marrë përgjigje me shkrim para votimit.

Vitin e kaluar në dëgjime morën pjesë vetëm 95 banorë, shumica në takimin në qendër të qytetit. Kryetari i këshillit, Valon Rushiti, deklaroi se kësaj radhe tri nga katër takimet janë organizuar jashtë qendrës së qytetit, për të arritur te më shumë njerëz.

> Duam të dëgjojmë njerëzit që nuk vijnë kurrë në ndërtesën e komunës. Një buxhet mbrohet më lehtë kur më shumë banorë kanë dhënë mendimin e tyre për të.

Projektbuxheti do të shqyrtohet nga komisioni për financa i këshillit më 27 nëntor. Votimi përfundimtar pritet në seancën e 18 dhjetorit.""",
                "image_caption": "Këshilltarë gjatë një seance në sallën e madhe të ndërtesës së Komunës së Tetovës.",
                "image_alt": "Një tryezë e gjatë me mikrofona dhe kartela me emra në sallën e seancave.",
            },
        },
    },
    # ------------------------------------------------------------------ 8
    {
        "key": "tetovo-library-newspapers",
        "category": "culture",
        "source_locale": "en",
        "author": "Nora Halili",
        "published_hours_ago": 480,
        "tags": ["heritage"],
        "image": {"color": "#b5838d"},
        "translations": {
            # no Macedonian translation yet
            "en": {
                "headline": "Tetovo library begins digitising a century of local newspapers",
                "lede": "Over the next two years, staff will scan more than 40,000 pages of newspapers and magazines printed in the Polog region since the 1920s and make them available online free of charge.",
                "body": """\
The collection includes newspapers in Macedonian, Albanian and Turkish, some of which survive only as a single copy. Many issues are fragile, and readers have not been allowed to handle them for years.

## How the work is organised

The library has bought two overhead scanners that can photograph a page without pressing it flat. Four employees and six student volunteers will work in two shifts, aiming to process about 400 pages a week.

The project is funded with 1.2 million denars from a European cultural heritage programme. The municipality covers the salaries and the cost of storing the digital files.

> Every family in Tetovo has someone who once appeared in these pages. We want people to be able to find them from home.

These are the words of librarian Ema Krasniqi, who has run the archive for eleven years. She said the first scanned issues, from 1957, would be published on [the library's website](https://example.org/tetovo-library) by the end of the month.

Residents who keep old local newspapers at home are invited to lend them for scanning. The originals will be returned within two weeks, together with a digital copy.""",
                "image_caption": "A library employee places a 1957 newspaper under one of the new overhead scanners.",
                "image_alt": "Hands in white cotton gloves holding a yellowed newspaper page under a scanner arm.",
            },
            "sq": {
                "headline": "Biblioteka e Tetovës nis digjitalizimin e gazetave lokale të një shekulli",
                "lede": "Gjatë dy viteve të ardhshme, stafi do të skanojë mbi 40.000 faqe gazetash dhe revistash të shtypura në rajonin e Pollogut që nga vitet 1920 dhe do t'i vërë në dispozicion falas në internet.",
                "body": """\
Koleksioni përfshin gazeta në maqedonisht, shqip dhe turqisht, disa prej të cilave ruhen vetëm në një kopje të vetme. Shumë numra janë të brishtë dhe prej vitesh lexuesve nuk u lejohet t'i prekin.

## Si organizohet puna

Biblioteka ka blerë dy skanerë që mund ta fotografojnë faqen nga lart pa e shtypur atë. Katër punonjës dhe gjashtë studentë vullnetarë do të punojnë me dy ndërrime, me synimin që të përpunojnë rreth 400 faqe në javë.

Projekti financohet me 1,2 milionë denarë nga një program evropian për trashëgiminë kulturore. Komuna mbulon pagat dhe koston e ruajtjes së skedarëve digjitalë.

> Çdo familje në Tetovë ka dikë që dikur është shfaqur në këto faqe. Duam që njerëzit të mund t'i gjejnë nga shtëpia.

Këto janë fjalët e bibliotekares Ema Krasniqi, e cila e drejton arkivin prej njëmbëdhjetë vitesh. Ajo tha se numrat e parë të skanuar, nga viti 1957, do të publikohen në [faqen e internetit të bibliotekës](https://example.org/tetovo-library) deri në fund të muajit.

Banorët që ruajnë në shtëpi gazeta të vjetra lokale ftohen t'i japin hua për skanim. Origjinalet do të kthehen brenda dy javësh, së bashku me një kopje digjitale.""",
                "image_caption": "Një punonjëse e bibliotekës vendos një gazetë të vitit 1957 nën një nga skanerët e rinj.",
                "image_alt": "Duar me doreza të bardha pambuku mbajnë një faqe gazete të zverdhur nën krahun e një skaneri.",
            },
        },
    },
    # ------------------------------------------------------------------ 9
    {
        "key": "tetovo-air-quality-winter",
        "category": "local",
        "source_locale": "en",
        "author": "Burim Rexhepi",
        "published_hours_ago": 700,
        "tags": ["environment", "health"],
        "image": {"color": "#8d99ae"},
        "translations": {
            "en": {
                "headline": "Air pollution in Tetovo exceeded safe limits on 41 days this winter",
                "lede": "Data from the city's measuring station show that concentrations of fine particles were highest in January, when cold, windless weather kept smoke from household stoves close to the ground.",
                "body": """\
Between 1 November and 28 February, the daily average of PM10 particles was above 50 micrograms per cubic metre on 41 days. On the worst day, 17 January, it reached 212 micrograms, more than four times the limit.

## Where the smoke comes from

Experts say the main source in Tetovo is heating with wood and, in some households, with waste materials. The city lies in a valley below Šar Mountain, so polluted air often stays trapped for several days.

> On still winter days the whole valley behaves like a closed room. What we burn in the evening, we breathe in the next morning.

This is how environmental engineer Lindita Osmani, who studies air quality in the Polog region, described the problem. She added that the single measuring station in the city centre cannot show how large the differences between neighbourhoods are.

The municipality offers subsidies of up to 30,000 denars for households that replace old stoves with heat pumps or modern pellet stoves. So far, 620 households have applied, and the *second call* opens in September.

Hourly measurements for Tetovo and other cities can be followed on [the national air quality portal](https://example.org/air). On days with high pollution, doctors advise children and older people not to spend long periods outdoors.""",
                "image_caption": "Smog over the rooftops of Tetovo on a January morning.",
                "image_alt": "A grey haze covering houses and minarets, with snowy mountain slopes barely visible behind.",
            },
            "mk": {
                "headline": "Загадувањето на воздухот во Тетово ги надмина безбедните граници во 41 ден оваа зима",
                "lede": "Податоците од мерната станица во градот покажуваат дека концентрациите на ситни честички биле највисоки во јануари, кога студеното време без ветер го задржуваше чадот од домашните печки блиску до земјата.",
                "body": """\
Од 1 ноември до 28 февруари, дневниот просек на честичките PM10 бил над 50 микрограми на кубен метар во 41 ден. Во најлошиот ден, 17 јануари, достигнал 212 микрограми, повеќе од четири пати над границата.

## Од каде доаѓа чадот

Експертите велат дека главниот извор во Тетово е греењето на дрва, а во некои домаќинства и на отпадни материјали. Градот лежи во котлина под Шар Планина, па загадениот воздух често останува заробен по неколку дена.

> Во тивките зимски денови целата котлина се однесува како затворена соба. Она што го гориме навечер, го вдишуваме следното утро.

Вака проблемот го опиша инженерката за животна средина Линдита Османи, која го проучува квалитетот на воздухот во Полошкиот регион. Таа додаде дека единствената мерна станица во центарот на градот не може да покаже колкави се разликите меѓу населбите.

Општината нуди субвенции до 30.000 денари за домаќинствата што ќе ги заменат старите печки со топлински пумпи или современи печки на пелети. Досега аплицирале 620 домаќинства, а *вториот повик* се отвора во септември.

Мерењата за секој час за Тетово и за други градови може да се следат на [националниот портал за квалитет на воздухот](https://example.org/air). Во деновите со високо загадување, лекарите им советуваат на децата и на постарите луѓе да не престојуваат подолго надвор.""",
                "image_caption": "Смог над покривите на Тетово во едно јануарско утро.",
                "image_alt": "Сива измаглица над куќи и минариња, а зад нив едвај се гледаат снежни планински падини.",
            },
            "sq": {
                "headline": "Ndotja e ajrit në Tetovë i tejkaloi kufijtë e sigurt në 41 ditë këtë dimër",
                "lede": "Të dhënat nga stacioni matës në qytet tregojnë se përqendrimet e grimcave të imëta ishin më të lartat në janar, kur moti i ftohtë dhe pa erë e mbajti tymin e sobave të shtëpive afër tokës.",
                "body": """\
Nga 1 nëntori deri më 28 shkurt, mesatarja ditore e grimcave PM10 ishte mbi 50 mikrogramë për metër kub në 41 ditë. Në ditën më të keqe, më 17 janar, ajo arriti në 212 mikrogramë, më shumë se katërfishi i kufirit.

## Nga vjen tymi

Ekspertët thonë se burimi kryesor në Tetovë është ngrohja me dru dhe, në disa familje, me materiale mbeturinash. Qyteti shtrihet në një luginë nën Malin Sharr, kështu që ajri i ndotur shpesh mbetet i bllokuar për disa ditë.

> Në ditët e qeta të dimrit e gjithë lugina sillet si një dhomë e mbyllur. Atë që djegim në mbrëmje, e thithim mëngjesin tjetër.

Kështu e përshkroi problemin inxhinierja e mjedisit Lindita Osmani, e cila studion cilësinë e ajrit në rajonin e Pollogut. Ajo shtoi se stacioni i vetëm matës në qendër të qytetit nuk mund të tregojë sa të mëdha janë dallimet mes lagjeve.

Komuna ofron subvencione deri në 30.000 denarë për familjet që i zëvendësojnë sobat e vjetra me pompa termike ose me soba moderne me pelet. Deri tani kanë aplikuar 620 familje, ndërsa *thirrja e dytë* hapet në shtator.

Matjet për çdo orë për Tetovën dhe qytete të tjera mund të ndiqen në [portalin kombëtar për cilësinë e ajrit](https://example.org/air). Në ditët me ndotje të lartë, mjekët u këshillojnë fëmijëve dhe të moshuarve të mos qëndrojnë gjatë jashtë.""",
                "image_caption": "Smog mbi çatitë e Tetovës në një mëngjes janari.",
                "image_alt": "Mjegull gri mbi shtëpi dhe minare, ndërsa pas tyre mezi duken shpatet e mbuluara me borë.",
            },
        },
    },
    # ------------------------------------------------------------------ 10
    {
        "key": "gostivar-cycling-lanes",
        "category": "politics",
        "source_locale": "en",
        "author": "Kristina Angelovska",
        "published_hours_ago": 1500,
        "tags": ["transport", "municipality"],
        "translations": {
            "en": {
                "headline": "Gostivar council approves first cycling lanes in the town centre",
                "lede": "The plan, adopted with 21 votes in favour and 6 against, foresees 4.3 kilometres of separated lanes along the main boulevard and the road to the bus station.",
                "body": """\
Construction is expected to begin in the spring and last about five months. The municipality estimates the cost at 46 million denars, of which 60 percent would come from a regional development fund.

## Parking spaces

The most heated part of the debate concerned parking. To make room for the lanes, about 140 parking spaces along the boulevard will be removed, and shop owners fear losing customers.

The municipality says a new car park with 220 spaces will open near the old cinema before the works begin. Opposition councillors argued that the two projects should have been voted on together.

Cycling associations in Gostivar welcomed the decision. According to their count, about 900 people cycle to work or school in the town on an average spring day, most of them on roads shared with cars and lorries.

The detailed design will be presented to the public on 9 October in the municipal building. Residents will then have 15 days to submit comments before the tender is announced.""",
            },
            "mk": {
                "headline": "Советот на Гостивар одобри први велосипедски патеки во центарот на градот",
                "lede": "Планот, усвоен со 21 глас за и 6 против, предвидува 4,3 километри одвоени патеки долж главниот булевар и патот кон автобуската станица.",
                "body": """\
Изградбата се очекува да почне напролет и да трае околу пет месеци. Општината ја проценува цената на 46 милиони денари, од кои 60 отсто би дошле од фонд за регионален развој.

## Паркинг-местата

Најжешкиот дел од расправата се однесуваше на паркирањето. За да се направи простор за патеките, ќе бидат отстранети околу 140 паркинг-места долж булеварот, а сопствениците на продавниците стравуваат дека ќе изгубат купувачи.

Од општината велат дека пред почетокот на работите ќе биде отворен нов паркинг со 220 места кај стариот кинотеатар. Советниците од опозицијата тврдеа дека за двата проекта требало да се гласа заедно.

Велосипедските здруженија во Гостивар ја поздравија одлуката. Според нивното броење, во просечен пролетен ден околу 900 луѓе одат со велосипед на работа или на училиште, најмногу по патишта што ги делат со автомобили и камиони.

Деталниот проект ќе биде претставен пред јавноста на 9 октомври во општинската зграда. Жителите потоа ќе имаат 15 дена да достават забелешки пред да биде објавен тендерот.""",
            },
            "sq": {
                "headline": "Këshilli i Gostivarit miraton korsitë e para për biçikleta në qendër të qytetit",
                "lede": "Plani, i miratuar me 21 vota pro dhe 6 kundër, parashikon 4,3 kilometra korsi të ndara përgjatë bulevardit kryesor dhe rrugës drejt stacionit të autobusëve.",
                "body": """\
Ndërtimi pritet të fillojë në pranverë dhe të zgjasë rreth pesë muaj. Komuna e vlerëson koston në 46 milionë denarë, nga të cilat 60 për qind do të vijnë nga një fond për zhvillim rajonal.

## Vendet e parkimit

Pjesa më e nxehtë e debatit kishte të bënte me parkimin. Për të krijuar hapësirë për korsitë, do të hiqen rreth 140 vende parkimi përgjatë bulevardit, ndërsa pronarët e dyqaneve kanë frikë se do të humbin klientë.

Nga komuna thonë se para fillimit të punimeve do të hapet një parking i ri me 220 vende pranë kinemasë së vjetër. Këshilltarët e opozitës argumentuan se për të dy projektet duhej të votohej së bashku.

Shoqatat e çiklistëve në Gostivar e përshëndetën vendimin. Sipas numërimit të tyre, në një ditë mesatare pranvere rreth 900 njerëz shkojnë me biçikletë në punë ose në shkollë, shumica në rrugë që i ndajnë me vetura dhe kamionë.

Projekti i detajuar do t'i prezantohet publikut më 9 tetor në ndërtesën e komunës. Banorët më pas do të kenë 15 ditë për të dorëzuar komente para se të shpallet tenderi.""",
            },
        },
    },
]
