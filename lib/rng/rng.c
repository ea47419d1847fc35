/* Random-number generators: xoshiro256** (library kind) and NumPy's legacy
 * RandomState MT19937 stream (numpy kind). See include/hdnet/rng.h. */
#include "core/internal.h"
#include "rng/rng_priv.h"
#include "rng/noise_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------- */
/* Ziggurat tables for the library kind's Gaussians (256 layers), produced by  */
/* tests/data/make_ziggurat.py. Layer i spans heights f(x[i]) .. f(x[i+1]);    */
/* layer 0 is the base rectangle of pseudo-width x[0] = V/f(r) with the tail.  */
/* r = 3.6541528853610092, V = 0.0049286732339746484, top-layer area error 1.69e-15 */
static const double zig_f[257] = {
    0.0004774677646093862, 0.0012602859304985956, 0.0026090727461021593,
    0.0040379725933630236, 0.0055224032992509864, 0.0070508754713732164,
    0.0086165827693987194, 0.010214971439701459, 0.011842757857907879,
    0.013497450601739867, 0.015177088307935309, 0.016880083152543142,
    0.018605121275724622, 0.020351096230044483, 0.022117062707308819,
    0.023902203305795823, 0.025705804008548817, 0.027527235669603013,
    0.029365939758133255, 0.031221417191920189, 0.03309321945857846,
    0.034980941461716021, 0.036884215688567222, 0.038802707404526064,
    0.040736110655940898, 0.042684144916474424, 0.044646552251294463,
    0.046623094901930381, 0.048613553215868542, 0.050617723860947782,
    0.05263541827679219, 0.054666461324888921, 0.056710690106202902,
    0.058767952920933737, 0.060838108349539878, 0.062921024437758141,
    0.065016577971242898, 0.067124653827788497, 0.069245144397006755,
    0.071377949058890403, 0.073522973713981324, 0.075680130358927108,
    0.077849336702096053, 0.08003051581466307, 0.082223595813202904,
    0.084428509570353472, 0.086645194450558072, 0.088873592068275886,
    0.091113648066373759, 0.093365311912691012, 0.095628536713008999,
    0.097903279038862465, 0.10018949876881002, 0.10248715894193525,
    0.10479622562248707, 0.1071166677746838, 0.1094484571468118,
    0.11179156816383809, 0.11414597782783849, 0.11651166562561087,
    0.11888861344291006, 0.12127680548479031, 0.12367622820159657,
    0.12608687022018589, 0.12850872227999957, 0.13094177717364436,
    0.13338602969166916, 0.13584147657125376, 0.13830811644855073,
    0.1407859498144447, 0.14327497897351346, 0.14577520800599403,
    0.14828664273257455, 0.15080929068184568, 0.15334316106026286,
    0.1558882647244792, 0.15844461415592428, 0.16101222343751101,
    0.16359110823236558, 0.16618128576448191, 0.16878277480121129,
    0.17139559563750575, 0.17401977008183855, 0.17665532144373478,
    0.1793022745228475, 0.18196065559952238, 0.1846304924267991,
    0.18731181422380005, 0.19000465167046479, 0.19270903690358893,
    0.19542500351413411, 0.19815258654577494, 0.20089182249465645,
    0.20364274931033471, 0.20640540639788052, 0.20917983462112485,
    0.21196607630703004, 0.21476417525117344, 0.21757417672433102,
    0.22039612748015178, 0.22323007576391726, 0.22607607132237997,
    0.22893416541467998, 0.23180441082433836, 0.23468686187232965,
    0.23758157443123773, 0.24048860594050009, 0.2434080154227499,
    0.24633986350126344, 0.24928421241852802, 0.25224112605594168,
    0.25521066995466141, 0.25819291133761862, 0.26118791913272055,
    0.26419576399726047, 0.2672165183435608, 0.27025025636587496,
    0.27329705406857657, 0.27635698929566782, 0.27943014176163744,
    0.28251659308370708, 0.2856164268155012, 0.28872972848218231,
    0.2918565856170946, 0.29499708779996126, 0.29815132669668498,
    0.30131939610080249, 0.30450139197664938, 0.30769741250429145,
    0.3109075581262859, 0.31413193159633651, 0.31737063802991289,
    0.32062378495690469, 0.32389148237639043, 0.32717384281360057,
    0.33047098137916275, 0.33378301583071757, 0.33711006663700532,
    0.34045225704452103, 0.34380971314684994, 0.34718256395679287,
    0.35057094148140533, 0.35397498080007594, 0.35739482014577972,
    0.3608306009896472, 0.36428246812900311, 0.36775056977903164,
    0.37123505766823856, 0.37473608713789019, 0.3782538172456183,
    0.38178841087339283, 0.38534003484007651, 0.38890886001878799,
    0.39249506145931484, 0.39609881851583162, 0.3997203149801965,
    0.40335973922111379, 0.40701728432947265, 0.41069314827018755,
    0.4143875340408904, 0.4181006498378475, 0.42183270922949528,
    0.4255839313380213, 0.42935454102944082, 0.43314476911265165,
    0.43695485254798488, 0.44078503466580327, 0.44463556539573862,
    0.44850670150720229, 0.4523987068618478, 0.45631185267871566,
    0.46024641781284209, 0.46420268904817352, 0.46818096140569282,
    0.47218153846772942, 0.47620473271950514, 0.48025086590904598,
    0.48432026942668244, 0.4884132847054572, 0.49253026364386776,
    0.49667156905248894, 0.5008375751261479, 0.50502866794346735,
    0.50924524599574705, 0.51348772074732596, 0.51775651722975535,
    0.52205207467232084, 0.52637484717168337, 0.53072530440366095,
    0.5351039323804565, 0.53951123425695091, 0.54394773119002504,
    0.54841396325526459, 0.55291049042583107, 0.55743789361876472,
    0.56199677581452323, 0.56658776325616311, 0.57121150673525189,
    0.57586868297235239, 0.58055999610078957, 0.5852861792633699,
    0.59004799633282445, 0.594846243767986, 0.59968175261912393,
    0.60455539069746644, 0.6094680649257721, 0.61442072388891256,
    0.61941436060583299, 0.62445001554702517, 0.62952877992483536,
    0.63465179928762228, 0.63982027745305525, 0.64503548082082096,
    0.65029874311081537, 0.65561147057969593, 0.66097514777666178,
    0.66639134390874877, 0.67186171989708066, 0.67738803621877197,
    0.6829721616449933, 0.68861608300467025, 0.69432191612611516,
    0.70009191813651006, 0.70592850133275264, 0.71183424887824676,
    0.7178119326307203, 0.72386453346862845, 0.72999526456147446,
    0.73620759812686087, 0.74250529634014928, 0.74889244721915504,
    0.75537350650709423, 0.76195334683679339, 0.76863731579848427,
    0.77543130498118518, 0.7823418326548004, 0.78937614356602248,
    0.79654233042295686, 0.80384948317096216, 0.81130787431265405,
    0.81892919160370015, 0.82672683394621915, 0.83471629298688121,
    0.84291565311220185, 0.85134625845867551, 0.86003362119632898,
    0.86900868803685438, 0.87830965580891462, 0.88798466075583049,
    0.89809592189834042, 0.90872644005212766, 0.91999150503934357,
    0.9320600759592268, 0.94519895344229565, 0.95987909180010211,
    0.97710170126766605, 1,
};
static const double zig_xs[257] = {
    4.3418135304006585e-16, 4.0569246688282426e-16, 3.8294681854027864e-16,
    3.6862121508993995e-16, 3.5799974674153326e-16, 3.4948591681938105e-16,
    3.4234017087821299e-16, 3.3615752312527933e-16, 3.3069139425488321e-16,
    3.2578016586724968e-16, 3.2131198297740277e-16, 3.172061203563753e-16,
    3.1340234816506422e-16, 3.0985449472908133e-16, 3.0652636043626413e-16,
    3.0338902046667252e-16, 3.0041898481359556e-16, 2.9759690748207236e-16,
    2.9490665882389512e-16, 2.923346446727741e-16, 2.8986929728622983e-16,
    2.8750068844599491e-16, 2.8522023106456955e-16, 2.8302044600412121e-16,
    2.8089477767777088e-16, 2.7883744664632887e-16, 2.768433306233938e-16,
    2.7490786754464071e-16, 2.7302697595373902e-16, 2.7119698911008562e-16,
    2.6941460006670266e-16, 2.6767681559082484e-16, 2.6598091726692002e-16,
    2.6432442847524726e-16, 2.6270508620887987e-16, 2.6112081690001171e-16,
    2.5956971558788493e-16, 2.5805002788716141e-16, 2.5656013431533919e-16,
    2.5509853661707809e-16, 2.536638457866771e-16, 2.5225477154093642e-16,
    2.5087011303590452e-16, 2.4950875065459112e-16, 2.4816963872019936e-16,
    2.4685179901201673e-16, 2.4555431497976348e-16, 2.4427632656768017e-16,
    2.430170255725406e-16, 2.4177565147057626e-16, 2.4055148765737086e-16,
    2.3934385805243614e-16, 2.3815212402665687e-16, 2.3697568161629336e-16,
    2.3581395899191756e-16, 2.3466641415466645e-16, 2.3353253283563153e-16,
    2.3241182657716037e-16, 2.3130383097739228e-16, 2.3020810408155764e-16,
    2.2912422490547833e-16, 2.280517920783711e-16, 2.269904225935017e-16,
    2.2593975065650294e-16, 2.2489942662227748e-16, 2.2386911601237669e-16,
    2.2284849860560215e-16, 2.2183726759532836e-16, 2.2083512880771017e-16,
    2.1984179997552607e-16, 2.1885701006292937e-16, 2.1788049863684245e-16,
    2.1691201528113954e-16, 2.1595131905013147e-16, 2.1499817795819162e-16,
    2.1405236850265583e-16, 2.131136752173899e-16, 2.121818902546539e-16,
    2.1125681299310247e-16, 2.1033824966995076e-16, 2.0942601303550561e-16,
    2.0851992202841579e-16, 2.0761980147013442e-16, 2.0672548177721182e-16,
    2.0583679869015131e-16, 2.0495359301766337e-16, 2.0407571039524699e-16,
    2.0320300105711259e-16, 2.0233531962053757e-16, 2.0147252488181647e-16,
    2.0061447962303153e-16, 1.997610504289283e-16, 1.9891210751323418e-16,
    1.9806752455380682e-16, 1.9722717853604393e-16, 1.9639094960402715e-16,
    1.9555872091891032e-16, 1.9473037852409636e-16, 1.9390581121677939e-16,
    1.9308491042545751e-16, 1.9226757009304803e-16, 1.9145368656526223e-16,
    1.9064315848391897e-16, 1.8983588668489731e-16, 1.8903177410044812e-16,
    1.8823072566560153e-16, 1.8743264822842456e-16, 1.866374504638973e-16,
    1.8584504279119125e-16, 1.8505533729414504e-16, 1.8426824764474582e-16,
    1.8348368902943519e-16, 1.8270157807806865e-16, 1.8192183279536739e-16,
    1.8114437249470975e-16, 1.8036911773411774e-16, 1.7959599025430165e-16,
    1.7882491291863265e-16, 1.7805580965491954e-16, 1.7728860539887191e-16,
    1.7652322603913713e-16, 1.7575959836380384e-16, 1.749976500082692e-16,
    1.7423730940437083e-16, 1.7347850573068932e-16, 1.7272116886392932e-16,
    1.7196522933129169e-16, 1.7121061826375106e-16, 1.7045726735015645e-16,
    1.6970510879207461e-16, 1.6895407525929764e-16, 1.682040998459384e-16,
    1.674551160270391e-16, 1.6670705761561877e-16, 1.6595985872008779e-16,
    1.6521345370195662e-16, 1.6446777713376868e-16, 1.6372276375718551e-16,
    1.6297834844115409e-16, 1.6223446614008506e-16, 1.6149105185197095e-16,
    1.6074804057637253e-16, 1.6000536727220074e-16, 1.592629668152205e-16,
    1.585207739552016e-16, 1.5777872327264023e-16, 1.5703674913497251e-16,
    1.5629478565220014e-16, 1.5555276663184485e-16, 1.5481062553314632e-16,
    1.5406829542041503e-16, 1.533257089154479e-16, 1.5258279814891111e-16,
    1.5183949471059024e-16, 1.5109572959840325e-16, 1.503514331660667e-16,
    1.496065350693008e-16, 1.4886096421045159e-16, 1.4811464868140345e-16,
    1.4736751570464689e-16, 1.4661949157235923e-16, 1.458705015833474e-16,
    1.4512046997769224e-16, 1.4436931986892422e-16, 1.4361697317354912e-16,
    1.428633505377302e-16, 1.4210837126092045e-16, 1.4135195321622411e-16,
    1.4059401276725119e-16, 1.3983446468121165e-16, 1.3907322203797735e-16,
    1.3831019613481966e-16, 1.375452963865085e-16, 1.367784302204341e-16,
    1.3600950296638675e-16, 1.3523841774059991e-16, 1.3446507532363094e-16,
    1.3368937403161834e-16, 1.3291120958041551e-16, 1.3213047494205962e-16,
    1.3134706019298643e-16, 1.3056085235335112e-16, 1.2977173521675868e-16,
    1.2897958916964351e-16, 1.2818429099947001e-16, 1.2738571369084741e-16,
    1.2658372620856809e-16, 1.2577819326648309e-16, 1.2496897508102284e-16,
    1.2415592710805458e-16, 1.2333889976163547e-16, 1.2251773811307499e-16,
    1.2169228156855537e-16, 1.2086236352337535e-16, 1.2002781099067554e-16,
    1.1918844420227144e-16, 1.1834407617895824e-16, 1.1749451226735502e-16,
    1.1663954964002203e-16, 1.1577897675520427e-16, 1.1491257277212369e-16,
    1.1404010691725115e-16, 1.1316133779642866e-16, 1.1227601264707202e-16,
    1.1138386652394801e-16, 1.1048462141117683e-16, 1.095779852521366e-16,
    1.0866365088782207e-16, 1.0774129489290752e-16, 1.0681057629724957e-16,
    1.0587113517880196e-16, 1.04922591111852e-16, 1.0396454145207033e-16,
    1.0299655943701878e-16, 1.0201819207740131e-16, 1.0102895781035852e-16,
    1.000283438813669e-16, 9.9015803415641141e-17, 9.7990752133144393e-17,
    9.6952564653125802e-17, 9.5900570324193395e-17, 9.4834048503874094e-17,
    9.3752223196869704e-17, 9.2654256943090403e-17, 9.1539243824134059e-17,
    9.0406201428996082e-17, 8.9254061584883982e-17, 8.8081659615005325e-17,
    8.6887721829324642e-17, 8.5670850882798636e-17, 8.4429508543383339e-17,
    8.3161995292104546e-17, 8.1866426019849648e-17, 8.0540700876375046e-17,
    7.9182470046454821e-17, 7.7789090847304239e-17, 7.6357575017981421e-17,
    7.4884523341955615e-17, 7.3366043711822541e-17, 7.1797647260285184e-17,
    7.0174115006212379e-17, 6.8489324212856497e-17, 6.6736018684121094e-17,
    6.4905499431320675e-17, 6.2987199573186019e-17, 6.0968086393572421e-17,
    5.8831797285115247e-17, 5.6557350980545844e-17, 5.4117151442239159e-17,
    5.1473751571205897e-17, 4.8574300382839709e-17, 4.5340302025298428e-17,
    4.1646834078966663e-17, 3.727435240623988e-17, 3.1771762087028148e-17,
    2.3896650878641612e-17, 0,
};
static const uint64_t zig_ki[256] = {
    UINT64_C(8416190284947146), UINT64_C(8502199523358868), UINT64_C(8670250209927257),
    UINT64_C(8747665408408568), UINT64_C(8792993062619951), UINT64_C(8823034015404263),
    UINT64_C(8844529650149478), UINT64_C(8860736633794676), UINT64_C(8873429784348122),
    UINT64_C(8883662533319237), UINT64_C(8892101391295331), UINT64_C(8899189566881597),
    UINT64_C(8905233768484697), UINT64_C(8910453300650020), UINT64_C(8915009316506135),
    UINT64_C(8919023015271945), UINT64_C(8922587382248682), UINT64_C(8925775002338565),
    UINT64_C(8928643402399270), UINT64_C(8931238791116794), UINT64_C(8933598732090709),
    UINT64_C(8935754090079059), UINT64_C(8937730471677791), UINT64_C(8939549307766312),
    UINT64_C(8941228677835438), UINT64_C(8942783945492985), UINT64_C(8944228253918007),
    UINT64_C(8945572916116590), UINT64_C(8946827725236400), UINT64_C(8948001203479808),
    UINT64_C(8949100803387013), UINT64_C(8950133071831292), UINT64_C(8951103784572849),
    UINT64_C(8952018057380867), UINT64_C(8952880438367562), UINT64_C(8953694985152383),
    UINT64_C(8954465329697408), UINT64_C(8955194733061077), UINT64_C(8955886131859916),
    UINT64_C(8956542177872812), UINT64_C(8957165271944786), UINT64_C(8957757593128775),
    UINT64_C(8958321123830900), UINT64_C(8958857671586797), UINT64_C(8959368887986122),
    UINT64_C(8959856285173325), UINT64_C(8960321250280622), UINT64_C(8960765058090450),
    UINT64_C(8961188882176662), UINT64_C(8961593804734268), UINT64_C(8961980825275013),
    UINT64_C(8962350868339128), UINT64_C(8962704790351139), UINT64_C(8963043385728929),
    UINT64_C(8963367392339562), UINT64_C(8963677496382147), UINT64_C(8963974336766973),
    UINT64_C(8964258509050608), UINT64_C(8964530568978818), UINT64_C(8964791035682153),
    UINT64_C(8965040394563440), UINT64_C(8965279099911272), UINT64_C(8965507577269383),
    UINT64_C(8965726225588143), UINT64_C(8965935419181125), UINT64_C(8966135509507071),
    UINT64_C(8966326826795094), UINT64_C(8966509681528940), UINT64_C(8966684365804314),
    UINT64_C(8966851154571666), UINT64_C(8967010306775528), UINT64_C(8967162066400166),
    UINT64_C(8967306663430396), UINT64_C(8967444314735320), UINT64_C(8967575224882072),
    UINT64_C(8967699586885774), UINT64_C(8967817582901428), UINT64_C(8967929384862730),
    UINT64_C(8968035155072431), UINT64_C(8968135046748319), UINT64_C(8968229204528542),
    UINT64_C(8968317764939628), UINT64_C(8968400856830226), UINT64_C(8968478601773309),
    UINT64_C(8968551114439357), UINT64_C(8968618502942718), UINT64_C(8968680869163280),
    UINT64_C(8968738309045242), UINT64_C(8968790912874739), UINT64_C(8968838765537835),
    UINT64_C(8968881946760306), UINT64_C(8968920531330503), UINT64_C(8968954589306461),
    UINT64_C(8968984186208330), UINT64_C(8969009383197107), UINT64_C(8969030237240581),
    UINT64_C(8969046801267273), UINT64_C(8969059124309159), UINT64_C(8969067251633852),
    UINT64_C(8969071224866847), UINT64_C(8969071082104440), UINT64_C(8969066858017813),
    UINT64_C(8969058583948787), UINT64_C(8969046287997666), UINT64_C(8969029995103575),
    UINT64_C(8969009727117661), UINT64_C(8968985502869479), UINT64_C(8968957338226870),
    UINT64_C(8968925246149590), UINT64_C(8968889236736949), UINT64_C(8968849317269667),
    UINT64_C(8968805492246150), UINT64_C(8968757763413350), UINT64_C(8968706129792371),
    UINT64_C(8968650587698947), UINT64_C(8968591130758900), UINT64_C(8968527749918689),
    UINT64_C(8968460433451099), UINT64_C(8968389166956162), UINT64_C(8968313933357325),
    UINT64_C(8968234712892903), UINT64_C(8968151483102842), UINT64_C(8968064218810744),
    UINT64_C(8967972892101192), UINT64_C(8967877472292287), UINT64_C(8967777925903373),
    UINT64_C(8967674216617867), UINT64_C(8967566305241128), UINT64_C(8967454149653247),
    UINT64_C(8967337704756646), UINT64_C(8967216922418341), UINT64_C(8967091751406757),
    UINT64_C(8966962137322854), UINT64_C(8966828022525450), UINT64_C(8966689346050450),
    UINT64_C(8966546043523844), UINT64_C(8966398047068111), UINT64_C(8966245285201850),
    UINT64_C(8966087682732252), UINT64_C(8965925160640153), UINT64_C(8965757635957254),
    UINT64_C(8965585021635152), UINT64_C(8965407226405742), UINT64_C(8965224154632550),
    UINT64_C(8965035706152492), UINT64_C(8964841776107517), UINT64_C(8964642254765603),
    UINT64_C(8964437027330408), UINT64_C(8964225973738984), UINT64_C(8964008968446764),
    UINT64_C(8963785880199078), UINT64_C(8963556571788329), UINT64_C(8963320899795920),
    UINT64_C(8963078714317949), UINT64_C(8962829858673567), UINT64_C(8962574169094904),
    UINT64_C(8962311474397223), UINT64_C(8962041595628019), UINT64_C(8961764345693546),
    UINT64_C(8961479528961172), UINT64_C(8961186940835877), UINT64_C(8960886367308921),
    UINT64_C(8960577584476735), UINT64_C(8960260358027743), UINT64_C(8959934442694707),
    UINT64_C(8959599581669978), UINT64_C(8959255505980745), UINT64_C(8958901933821175),
    UINT64_C(8958538569837994), UINT64_C(8958165104365771), UINT64_C(8957781212607811),
    UINT64_C(8957386553758166), UINT64_C(8956980770059832), UINT64_C(8956563485793772),
    UINT64_C(8956134306192761), UINT64_C(8955692816273609), UINT64_C(8955238579580535),
    UINT64_C(8954771136831768), UINT64_C(8954290004460677), UINT64_C(8953794673041733),
    UINT64_C(8953284605590642), UINT64_C(8952759235726852), UINT64_C(8952217965685219),
    UINT64_C(8951660164162391), UINT64_C(8951085163981553), UINT64_C(8950492259557615),
    UINT64_C(8949880704142612), UINT64_C(8949249706828837), UINT64_C(8948598429284591),
    UINT64_C(8947925982194249), UINT64_C(8947231421371065), UINT64_C(8946513743507049),
    UINT64_C(8945771881519870), UINT64_C(8945004699451478), UINT64_C(8944210986867349),
    UINT64_C(8943389452698381), UINT64_C(8942538718459684), UINT64_C(8941657310771539),
    UINT64_C(8940743653097266), UINT64_C(8939796056600729), UINT64_C(8938812710012082),
    UINT64_C(8937791668373986), UINT64_C(8936730840521341), UINT64_C(8935627975125086),
    UINT64_C(8934480645104285), UINT64_C(8933286230179527), UINT64_C(8932041897303839),
    UINT64_C(8930744578663739), UINT64_C(8929390946891002), UINT64_C(8927977387063715),
    UINT64_C(8926499965000768), UINT64_C(8924954391264535), UINT64_C(8923335980178341),
    UINT64_C(8921639603034392), UINT64_C(8919859634508241), UINT64_C(8917989891100771),
    UINT64_C(8916023560188890), UINT64_C(8913953117970086), UINT64_C(8911770234218739),
    UINT64_C(8909465661313598), UINT64_C(8907029104421025), UINT64_C(8904449068992971),
    UINT64_C(8901712680817251), UINT64_C(8898805472680243), UINT64_C(8895711130186635),
    UINT64_C(8892411187316278), UINT64_C(8888884659731723), UINT64_C(8885107600469322),
    UINT64_C(8881052558154849), UINT64_C(8876687911860133), UINT64_C(8871977048556690),
    UINT64_C(8866877337950384), UINT64_C(8861338844010462), UINT64_C(8855302690818586),
    UINT64_C(8848698969554162), UINT64_C(8841444029032846), UINT64_C(8833436927226399),
    UINT64_C(8824554724436410), UINT64_C(8814646152042485), UINT64_C(8803522963567848),
    UINT64_C(8790947915098645), UINT64_C(8776617738084790), UINT64_C(8760138492431298),
    UINT64_C(8740989007474605), UINT64_C(8718465117489470), UINT64_C(8691591814786384),
    UINT64_C(8658979550349111), UINT64_C(8618578446273220), UINT64_C(8567234683180607),
    UINT64_C(8499835136412012), UINT64_C(8407514496210323), UINT64_C(8273463477792553),
    UINT64_C(8061537608785442), UINT64_C(7677520153084705), UINT64_C(6774628847947526),
    UINT64_C(0),
};
#define ZIG_R 3.6541528853610092

/* ------------------------------------------------------------------------- */
/* splitmix64 (seeding) and xoshiro256**                                       */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

static inline uint64_t xoshiro_next(uint64_t *s)
{
    const uint64_t out = rotl64(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

/* Advance by 2^128 steps: the state becomes J(s) for the jump polynomial J of
 * the xoshiro256 linear engine (coefficients published with the generator). */
static void xoshiro_jump(uint64_t *s)
{
    static const uint64_t jump[4] = {UINT64_C(0x180ec6d33cfd0aba), UINT64_C(0xd5a61266f0c9392c),
                                     UINT64_C(0xa9582618e03fc9aa), UINT64_C(0x39abdc4529b1661c)};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int w = 0; w < 4; w++) {
        for (int b = 0; b < 64; b++) {
            if (jump[w] & (UINT64_C(1) << b)) {
                acc[0] ^= s[0];
                acc[1] ^= s[1];
                acc[2] ^= s[2];
                acc[3] ^= s[3];
            }
            (void)xoshiro_next(s);
        }
    }
    memcpy(s, acc, sizeof acc);
}

/* ------------------------------------------------------------------------- */
/* MT19937 (NumPy legacy)                                                      */

static void mt_seed(hdnet_rng *r, uint32_t seed)
{
    r->mt[0] = seed;
    for (int i = 1; i < HDNET__MT_N; i++) {
        uint32_t p = r->mt[i - 1];
        r->mt[i] = (uint32_t)(UINT32_C(1812433253) * (p ^ (p >> 30)) + (uint32_t)i);
    }
    r->mt_pos = HDNET__MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

static void mt_regenerate(uint32_t *key)
{
    for (int i = 0; i < HDNET__MT_N; i++) {
        uint32_t y = (key[i] & UINT32_C(0x80000000)) | (key[(i + 1) % HDNET__MT_N] & UINT32_C(0x7fffffff));
        key[i] = key[(i + 397) % HDNET__MT_N] ^ (y >> 1) ^ ((y & 1u) ? UINT32_C(0x9908b0df) : 0u);
    }
}

static inline uint32_t mt_next(hdnet_rng *r)
{
    if (r->mt_pos >= HDNET__MT_N) {
        mt_regenerate(r->mt);
        r->mt_pos = 0;
    }
    uint32_t y = r->mt[r->mt_pos++];
    y ^= y >> 11;
    y ^= (y << 7) & UINT32_C(0x9d2c5680);
    y ^= (y << 15) & UINT32_C(0xefc60000);
    y ^= y >> 18;
    return y;
}

static inline double mt_double(hdnet_rng *r)
{
    uint32_t a = mt_next(r) >> 5;
    uint32_t b = mt_next(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

static double mt_gauss(hdnet_rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        double g = r->gauss;
        r->gauss = 0.0;
        return g;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * mt_double(r) - 1.0;
        x2 = 2.0 * mt_double(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

/* ------------------------------------------------------------------------- */
/* Library-kind Gaussians: ziggurat                                            */

static inline double lib_uniform(uint64_t *s)
{
    return (double)(xoshiro_next(s) >> 11) * 0x1.0p-53;
}

/* Slow path: tail or wedge of layer i for the candidate |z| = u*x[i]. Returns
 * 1 and sets *out when accepted. */
static int zig_slow(uint64_t *s, unsigned i, double z, int neg, double *out)
{
    if (i == 0) {
        /* tail beyond r: Marsaglia's exponential rejection */
        double a, b;
        do {
            a = -log(1.0 - lib_uniform(s)) / ZIG_R;
            b = -log(1.0 - lib_uniform(s));
        } while (b + b < a * a);
        *out = neg ? -(ZIG_R + a) : ZIG_R + a;
        return 1;
    }
    double y = zig_f[i] + lib_uniform(s) * (zig_f[i + 1] - zig_f[i]);
    if (y < exp(-0.5 * z * z)) {
        *out = neg ? -z : z;
        return 1;
    }
    return 0;
}

/* Bits of one draw b: 0-7 layer, 8 sign, 11-63 the 53-bit position m. The
 * candidate is |z| = m*2^-53*x[i]; m < ki[i] puts it inside the layer's
 * rectangle (about 99 % of draws). */
static inline double zig_signed(double z, uint64_t b)
{
    uint64_t bits;
    memcpy(&bits, &z, 8);
    bits ^= (b & 0x100) << 55;
    memcpy(&z, &bits, 8);
    return z;
}

static inline double zig_normal(uint64_t *s)
{
    for (;;) {
        uint64_t b = xoshiro_next(s);
        unsigned i = (unsigned)(b & 0xff);
        uint64_t m = b >> 11;
        double z = (double)m * zig_xs[i];
        if (m < zig_ki[i])
            return zig_signed(z, b);
        double out;
        if (zig_slow(s, i, z, (int)((b >> 8) & 1), &out))
            return out;
    }
}

/* ------------------------------------------------------------------------- */
/* Private interface                                                           */

int hdnet__rng_init(hdnet_rng *r, int kind, uint64_t seed)
{
    if (!r)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (kind != HDNET_RNG_LIBRARY && kind != HDNET_RNG_NUMPY)
        return hdnet__error(HDNET_EINVAL, "unknown rng kind %d", kind);
    if (kind == HDNET_RNG_NUMPY && seed > UINT64_C(0xffffffff))
        return hdnet__error(HDNET_ERANGE, "numpy seed %llu is not below 2^32",
                            (unsigned long long)seed);
    memset(r, 0, sizeof *r);
    r->kind = kind;
    if (kind == HDNET_RNG_NUMPY) {
        mt_seed(r, (uint32_t)seed);
    } else {
        uint64_t x = seed;
        for (int k = 0; k < 4; k++)
            r->s[k] = splitmix64(&x);
        r->mt_pos = HDNET__MT_N;
    }
    return HDNET_OK;
}

uint32_t hdnet__rng_next32(hdnet_rng *r)
{
    if (r->kind == HDNET_RNG_NUMPY)
        return mt_next(r);
    return (uint32_t)(xoshiro_next(r->s) >> 32);
}

uint64_t hdnet__rng_next64(hdnet_rng *r)
{
    if (r->kind == HDNET_RNG_NUMPY) {
        uint64_t hi = mt_next(r);
        return (hi << 32) | mt_next(r);
    }
    return xoshiro_next(r->s);
}

double hdnet__rng_uniform1(hdnet_rng *r)
{
    if (r->kind == HDNET_RNG_NUMPY)
        return mt_double(r);
    return lib_uniform(r->s);
}

double hdnet__rng_normal1(hdnet_rng *r)
{
    if (r->kind == HDNET_RNG_NUMPY)
        return mt_gauss(r);
    return zig_normal(r->s);
}

uint64_t hdnet__rng_randint1(hdnet_rng *r, uint64_t high)
{
    uint64_t rng = high - 1;
    if (rng == 0)
        return 0;
    uint32_t mask = (uint32_t)rng;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    uint32_t v;
    do {
        v = hdnet__rng_next32(r) & mask;
    } while (v > rng);
    return v;
}

void hdnet__rng_fill_normal_f32(hdnet_rng *r, float *out, size_t n, float sd)
{
    const double dsd = sd;
    if (r->kind == HDNET_RNG_NUMPY) {
        for (size_t j = 0; j < n; j++)
            out[j] = (float)(dsd * mt_gauss(r));
        return;
    }
    /* library kind: one 64-bit draw seeds the vectorised Box-Muller generator
     * (noise.c); the numbers do not follow hdnet__rng_normal1's stream */
    if (n == 0)
        return;
    hdnet__noise_normal_f32(xoshiro_next(r->s), out, n, sd, HDNET__NOISE_AUTO);
}

/* ------------------------------------------------------------------------- */
/* Public API                                                                  */

int hdnet_rng_create(hdnet_rng **out, int kind, uint64_t seed)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    hdnet_rng tmp;
    int rc = hdnet__rng_init(&tmp, kind, seed);
    if (rc)
        return rc;
    hdnet_rng *r = malloc(sizeof *r);
    if (!r)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate a generator");
    *r = tmp;
    *out = r;
    return HDNET_OK;
}

void hdnet_rng_free(hdnet_rng *rng)
{
    free(rng);
}

int hdnet_rng_clone(const hdnet_rng *rng, hdnet_rng **out)
{
    if (!out)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    *out = NULL;
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    hdnet_rng *r = malloc(sizeof *r);
    if (!r)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate a generator");
    *r = *rng;
    *out = r;
    return HDNET_OK;
}

int hdnet_rng_seed(hdnet_rng *rng, uint64_t seed)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    return hdnet__rng_init(rng, rng->kind, seed);
}

int hdnet_rng_kind(const hdnet_rng *rng)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    return rng->kind;
}

int hdnet_rng_split(hdnet_rng *parent, hdnet_rng **child)
{
    if (!child)
        return hdnet__error(HDNET_EINVAL, "child is NULL");
    *child = NULL;
    if (!parent)
        return hdnet__error(HDNET_EINVAL, "parent is NULL");
    hdnet_rng *c = malloc(sizeof *c);
    if (!c)
        return hdnet__error(HDNET_ENOMEM, "cannot allocate a generator");
    if (parent->kind == HDNET_RNG_NUMPY) {
        int rc = hdnet__rng_init(c, HDNET_RNG_NUMPY, mt_next(parent));
        if (rc) { /* cannot happen: a 32-bit seed is always valid */
            free(c);
            return rc;
        }
    } else {
        *c = *parent;
        xoshiro_jump(parent->s);
    }
    *child = c;
    return HDNET_OK;
}

int hdnet_rng_uniform(hdnet_rng *rng, double *out, size_t n)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (!out && n)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    for (size_t i = 0; i < n; i++)
        out[i] = hdnet__rng_uniform1(rng);
    return HDNET_OK;
}

int hdnet_rng_normal(hdnet_rng *rng, double *out, size_t n)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (!out && n)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    for (size_t i = 0; i < n; i++)
        out[i] = hdnet__rng_normal1(rng);
    return HDNET_OK;
}

int hdnet_rng_randint(hdnet_rng *rng, uint64_t high, uint64_t *out, size_t n)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (!out && n)
        return hdnet__error(HDNET_EINVAL, "out is NULL");
    if (high < 1 || high > (UINT64_C(1) << 32))
        return hdnet__error(HDNET_ERANGE, "randint high=%llu outside [1, 2^32]",
                            (unsigned long long)high);
    for (size_t i = 0; i < n; i++)
        out[i] = hdnet__rng_randint1(rng, high);
    return HDNET_OK;
}

/* ------------------------------------------------------------------------- */
/* Saved state: little-endian bytes                                            */
/*   0  magic "HDNETRNG" (8)   8  version u32 (1)   12 kind u32                */
/*   library: 16 s[0..3] u64                                                   */
/*   numpy:   16 key[624] u32, pos u32 (0..624), has_gauss u32 (0/1), gauss    */
/*            as IEEE-754 bits u64                                             */
/*   last 8 bytes: FNV-1a 64 checksum of everything before                     */

#define STATE_MAGIC "HDNETRNG"
#define STATE_VERSION 1u
#define STATE_HEAD 16
#define STATE_LIB_SIZE (STATE_HEAD + 4 * 8 + 8)
#define STATE_NP_SIZE (STATE_HEAD + HDNET__MT_N * 4 + 4 + 4 + 8 + 8)

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

size_t hdnet_rng_state_size(const hdnet_rng *rng)
{
    if (!rng)
        return 0;
    return rng->kind == HDNET_RNG_NUMPY ? STATE_NP_SIZE : STATE_LIB_SIZE;
}

int hdnet_rng_get_state(const hdnet_rng *rng, void *buf, size_t cap)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (!buf)
        return hdnet__error(HDNET_EINVAL, "buf is NULL");
    size_t need = hdnet_rng_state_size(rng);
    if (cap < need)
        return hdnet__error(HDNET_ESHAPE, "state buffer of %zu bytes, need %zu", cap, need);
    unsigned char *p = buf;
    memcpy(p, STATE_MAGIC, 8);
    put32(p + 8, STATE_VERSION);
    put32(p + 12, (uint32_t)rng->kind);
    size_t o = STATE_HEAD;
    if (rng->kind == HDNET_RNG_NUMPY) {
        for (int i = 0; i < HDNET__MT_N; i++, o += 4)
            put32(p + o, rng->mt[i]);
        put32(p + o, (uint32_t)rng->mt_pos);
        put32(p + o + 4, rng->has_gauss ? 1u : 0u);
        uint64_t bits;
        double g = rng->has_gauss ? rng->gauss : 0.0;
        memcpy(&bits, &g, 8);
        put64(p + o + 8, bits);
        o += 16;
    } else {
        for (int i = 0; i < 4; i++, o += 8)
            put64(p + o, rng->s[i]);
    }
    put64(p + o, fnv1a(p, o));
    return HDNET_OK;
}

int hdnet_rng_set_state(hdnet_rng *rng, const void *buf, size_t len)
{
    if (!rng)
        return hdnet__error(HDNET_EINVAL, "rng is NULL");
    if (!buf)
        return hdnet__error(HDNET_EINVAL, "buf is NULL");
    const unsigned char *p = buf;
    if (len < STATE_HEAD || memcmp(p, STATE_MAGIC, 8) != 0)
        return hdnet__error(HDNET_EFORMAT, "not a saved generator state (bad magic)");
    uint32_t version = get32(p + 8);
    if (version != STATE_VERSION)
        return hdnet__error(HDNET_EFORMAT, "generator state version %u, expected %u", version,
                            STATE_VERSION);
    uint32_t kind = get32(p + 12);
    size_t need;
    if (kind == HDNET_RNG_LIBRARY)
        need = STATE_LIB_SIZE;
    else if (kind == HDNET_RNG_NUMPY)
        need = STATE_NP_SIZE;
    else
        return hdnet__error(HDNET_EFORMAT, "generator state of unknown kind %u", kind);
    if (len != need)
        return hdnet__error(HDNET_EFORMAT, "generator state of %zu bytes, expected %zu", len, need);
    if (get64(p + need - 8) != fnv1a(p, need - 8))
        return hdnet__error(HDNET_EFORMAT, "generator state checksum mismatch");
    hdnet_rng t;
    memset(&t, 0, sizeof t);
    t.kind = (int)kind;
    size_t o = STATE_HEAD;
    if (kind == HDNET_RNG_NUMPY) {
        uint32_t any = 0;
        for (int i = 0; i < HDNET__MT_N; i++, o += 4)
            any |= t.mt[i] = get32(p + o);
        uint32_t pos = get32(p + o), hg = get32(p + o + 4);
        uint64_t bits = get64(p + o + 8);
        double g;
        memcpy(&g, &bits, 8);
        if (pos > HDNET__MT_N || hg > 1 || !isfinite(g) || (!hg && g != 0.0) || !any)
            return hdnet__error(HDNET_EFORMAT, "invalid MT19937 state (pos %u, cache flag %u)",
                                pos, hg);
        t.mt_pos = (int)pos;
        t.has_gauss = (int)hg;
        t.gauss = g;
    } else {
        for (int i = 0; i < 4; i++, o += 8)
            t.s[i] = get64(p + o);
        if (!(t.s[0] | t.s[1] | t.s[2] | t.s[3]))
            return hdnet__error(HDNET_EFORMAT, "invalid xoshiro256 state (all zero)");
        t.mt_pos = HDNET__MT_N;
    }
    *rng = t;
    return HDNET_OK;
}
