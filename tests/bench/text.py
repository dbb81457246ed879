"""Text for seeded tickets: short fragments in the languages the helpdesk hears (en, lt, lv, fi, pl).

None contains a tab, newline or backslash, so they go into COPY's text format unescaped.
"""

LANGUAGES = ("en", "lt", "lv", "fi", "pl")
# In most subjects and many messages (a search that matches hundreds of thousands of tickets) ...
COMMON_WORD = "nordlink"
# ... and in exactly RARE_TICKETS tickets (half in the subject, half in one message).
RARE_WORD = "quokka"
RARE_TICKETS = 10

SUBJECTS = {
    "en": [
        "Cannot log in to my account",
        "Invoice amount is wrong",
        "Router keeps disconnecting",
        "Please cancel my subscription",
        "Delivery has not arrived yet",
        "Password reset link does not work",
        "Charged twice this month",
        "How do I change my plan",
    ],
    "lt": [
        "Negaliu prisijungti prie paskyros",
        "Neteisinga sąskaitos suma",
        "Maršrutizatorius vis atsijungia",
        "Prašau nutraukti prenumeratą",
        "Siunta dar neatvyko",
        "Slaptažodžio atkūrimo nuoroda neveikia",
        "Nuskaičiavo du kartus šį mėnesį",
        "Kaip pakeisti planą",
    ],
    "lv": [
        "Nevaru pieslēgties savam kontam",
        "Rēķina summa ir nepareiza",
        "Maršrutētājs pastāvīgi atvienojas",
        "Lūdzu, atceliet manu abonementu",
        "Sūtījums vēl nav pienācis",
        "Paroles atiestatīšanas saite nedarbojas",
        "Šomēnes iekasēts divreiz",
        "Kā mainīt savu plānu",
    ],
    "fi": [
        "En pääse kirjautumaan tililleni",
        "Laskun summa on väärä",
        "Reititin katkaisee yhteyden jatkuvasti",
        "Peruuttakaa tilaukseni",
        "Toimitus ei ole vielä saapunut",
        "Salasanan palautuslinkki ei toimi",
        "Veloitettu kahdesti tässä kuussa",
        "Miten vaihdan liittymäni",
    ],
    "pl": [
        "Nie mogę zalogować się na konto",
        "Kwota na fakturze jest błędna",
        "Router ciągle się rozłącza",
        "Proszę anulować moją subskrypcję",
        "Przesyłka jeszcze nie dotarła",
        "Link do resetu hasła nie działa",
        "Obciążono mnie dwa razy w tym miesiącu",
        "Jak zmienić plan",
    ],
}

SENTENCES = {
    "en": [
        "I tried again this morning and it still does not work.",
        "My customer number is in the signature below.",
        "Could you please check what is going on?",
        "We have restarted everything twice already.",
        "The error appears right after the login page.",
        "Thank you for the quick answer, that helped.",
        "I attached a screenshot of the message I see.",
        "This is urgent for our whole office.",
    ],
    "lt": [
        "Bandžiau dar kartą šį rytą, bet vis tiek neveikia.",
        "Mano kliento numeris nurodytas parašte žemiau.",
        "Ar galėtumėte patikrinti, kas vyksta?",
        "Jau du kartus viską perkrovėme.",
        "Klaida pasirodo iškart po prisijungimo puslapio.",
        "Ačiū už greitą atsakymą, tai padėjo.",
        "Pridedu ekrano nuotrauką su pranešimu.",
        "Tai skubu visam mūsų biurui.",
    ],
    "lv": [
        "Šorīt mēģināju vēlreiz, bet joprojām nedarbojas.",
        "Mans klienta numurs ir norādīts parakstā zemāk.",
        "Vai jūs, lūdzu, varētu pārbaudīt, kas notiek?",
        "Mēs jau divreiz visu restartējām.",
        "Kļūda parādās uzreiz pēc pieteikšanās lapas.",
        "Paldies par ātro atbildi, tas palīdzēja.",
        "Pievienoju ekrānuzņēmumu ar paziņojumu.",
        "Tas ir steidzami visam mūsu birojam.",
    ],
    "fi": [
        "Yritin uudelleen tänä aamuna, mutta se ei vieläkään toimi.",
        "Asiakasnumeroni on allekirjoituksessa alla.",
        "Voisitteko tarkistaa, mistä on kyse?",
        "Olemme käynnistäneet kaiken uudelleen jo kahdesti.",
        "Virhe tulee heti kirjautumissivun jälkeen.",
        "Kiitos nopeasta vastauksesta, se auttoi.",
        "Liitin kuvakaappauksen näkemästäni viestistä.",
        "Tämä on kiireellinen koko toimistollemme.",
    ],
    "pl": [
        "Próbowałem ponownie dziś rano i nadal nie działa.",
        "Mój numer klienta jest w podpisie poniżej.",
        "Czy mogą Państwo sprawdzić, co się dzieje?",
        "Zrestartowaliśmy już wszystko dwa razy.",
        "Błąd pojawia się zaraz po stronie logowania.",
        "Dziękuję za szybką odpowiedź, to pomogło.",
        "Załączam zrzut ekranu z komunikatem.",
        "To pilne dla całego naszego biura.",
    ],
}

GREETINGS = {"en": "Hello,", "lt": "Laba diena,", "lv": "Labdien,", "fi": "Hei,", "pl": "Dzień dobry,"}
THANKS = {"en": "Best regards,", "lt": "Pagarbiai,", "lv": "Ar cieņu,", "fi": "Ystävällisin terveisin,",
          "pl": "Pozdrawiam,"}  # fmt: skip
# (first names, last names, email domain) per language: customers' names look like the market's.
NAMES = {
    "en": (
        ["John", "Mary", "James", "Linda", "Robert", "Susan"],
        ["Smith", "Brown", "Taylor", "Wilson"],
        "com",
    ),
    "lt": (
        ["Ona", "Jonas", "Rūta", "Tomas", "Eglė", "Mantas"],
        ["Kazlauskas", "Petraitė", "Jankauskas"],
        "lt",
    ),
    "lv": (["Jānis", "Anna", "Kristaps", "Līga", "Andris", "Ilze"], ["Bērziņš", "Kalniņa", "Ozols"], "lv"),
    "fi": (["Matti", "Aino", "Juha", "Sanna", "Mikko", "Laura"], ["Virtanen", "Korhonen", "Mäkinen"], "fi"),
    "pl": (["Anna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka"], ["Kowalska", "Nowak", "Wiśniewski"], "pl"),
}
ORGANIZATIONS = [
    "Baltic Freight UAB", "Rīgas Ūdens SIA", "Helsingin Kahvila Oy", "Kraków Soft Sp. z o.o.",
    "Northwind Traders Ltd", "Vilniaus Spauda", "Tampereen Tekniikka Oy", "Gdańsk Logistics S.A.",
    "Daugava Media", "Kaunas Bikes", "Oulu Games Oy", "Warsaw Legal LLP",
]  # fmt: skip
TAGS = ["billing", "login", "network", "vip", "refund", "bug", "feature-request", "delivery", "gdpr",
        "outage", "mobile", "api", "invoice", "cancellation", "hardware"]  # fmt: skip
TEAMS = ["Billing", "Technical support", "Sales", "Logistics"]
AGENT_NAMES = ["Ona Agentė", "Jānis Aģents", "Aino Agentti", "Piotr Agent", "Mary Agent", "Tomas Agentas"]
