"""Home-page introductions for the languages that have no demo material of their own yet. Each says
honestly that material in the language is being prepared and where to read meanwhile."""

from cms.demo_content.blocks import prose

HOME_INTROS = {
    "ky": prose(
        """Диний экстремизм тууралуу суроолорго чынчыл жооптор: дин аалымдарынын түшүндүрмөлөрү, кайтып
        келгендердин окуялары, ата-энелерге жана мугалимдерге кеңештер. Кыргыз тилиндеги материалдар
        даярдалып жатат; азырынча аларды орус же казак тилинде окуй аласыз. Жардам керек болсо, бизге
        купуя жаза аласыз."""
    ),
    "uz": prose(
        """Diniy ekstremizm haqidagi savollarga rost va ochiq javoblar: din olimlarining tushuntirishlari,
        qaytib kelganlarning hikoyalari, ota-onalar va oʻqituvchilar uchun maslahatlar. Oʻzbek tilidagi
        materiallar tayyorlanmoqda; hozircha ularni rus yoki ingliz tilida oʻqishingiz mumkin. Yordam
        kerak boʻlsa, bizga maxfiy tarzda yozishingiz mumkin."""
    ),
    "tg": prose(
        """Ҷавобҳои ростқавлона ба саволҳо дар бораи ифротгароии динӣ: шарҳи уламои дин, қиссаҳои
        онҳое, ки ба хона баргаштанд, маслиҳатҳо барои падару модарон ва муаллимон. Маводҳо ба забони
        тоҷикӣ омода мешаванд; то он вақт метавонед онҳоро ба забони русӣ хонед. Агар ба кӯмак ниёз дошта
        бошед, метавонед ба мо махфӣ нависед."""
    ),
    "ps": prose(
        """د دیني افراطیت په اړه پوښتنو ته رښتیني ځوابونه: د دیني عالمانو تشریحات، د هغو کسانو کیسې
        چې بېرته کور ته راستانه شول، او د والدینو او ښوونکو لپاره لارښوونې. په پښتو ژبه مواد چمتو
        کېږي؛ تر هغه وخته یې په دري ژبه لوستلای شئ. که مرستې ته اړتیا لرئ، موږ ته په محرمانه توګه
        لیکلای شئ."""
    ),
    "ar": prose(
        """إجابات صادقة عن الأسئلة المتعلقة بالتطرف الديني: شروح علماء الدين، وشهادات من عادوا إلى
        ديارهم، ونصائح للآباء والأمهات والمعلمين. المواد باللغة العربية قيد الإعداد، ويمكنك حتى ذلك الحين
        قراءتها بالإنجليزية. وإذا كنت بحاجة إلى المساعدة، يمكنك الكتابة إلينا بسرية تامة."""
    ),
}
