"""Tables built in the layout of the Landesdatenbank NRW exports, with more breakdowns."""

FOOTER = (
    "__________\n"
    '"Zeichenerklärung:\n'
    '- = nichts vorhanden; . = Zahlenwert unbekannt oder geheim zu halten"\n'
    "© IT.NRW, Düsseldorf, 2026. Dieses Werk ist lizenziert unter der Datenlizenz Deutschland - "
    "Namensnennung - Version 2.0.\n"
    "Stand: 19.01.2026 / 13:58:12\n"
)


def foreigners_by_sex_and_nationality() -> str:
    """12521-03i-like: reference date and key in rows; sex and nationality groups in the
    header block; a derived column at the end."""
    head = [
        "Tabelle: 12521-03i",
        "Ausländer: Kreise, Stichtag, Geschlecht, Ländergruppierungen;;;;;;;;",
        ";;;Ausländerstatistik;Ausländerstatistik;Ausländerstatistik;Ausländerstatistik;"
        "Ausländerstatistik;Ausländerstatistik",
        ";;;Ausländer;Ausländer;Ausländer;Ausländer;Ausländer;Ausländer",
        ";;;Geschlecht;;;;;",
        ";;;männlich;männlich;weiblich;weiblich;Insgesamt;Insgesamt",
        ";;;EU-Staaten;Drittstaaten;EU-Staaten;Drittstaaten;EU-Staaten;Drittstaaten",
        ";;;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl",
    ]
    rows = [
        "31.12.2023;05;Nordrhein-Westfalen;600.123;700.456;550.000;650.000;1.150.123;1.350.456",
        "31.12.2023;057;  Detmold, Regierungsbezirk;50.100;60.200;45.000;55.000;95.100;115.200",
        "31.12.2023;05754;    Gütersloh, Kreis;9.870;11.200;9.100;10.400;18.970;21.600",
        "31.12.2023;05754004;      Borgholzhausen, Stadt;210;190;.;180;210;370",
        "31.12.2023;05754008;      Gütersloh, Stadt;4.100;5.000;3.900;4.700;8.000;9.700",
        "31.12.2023;05754012;      Halle (Westf.), Stadt;-;320;300;x;600;620",
    ]
    return "\n".join(head + rows) + "\n" + FOOTER


def unemployed_by_age_in_rows() -> str:
    """13211-like: years across the header, age groups in a row label column, and a derived
    comparison column "Veränderung gegenüber Vorjahr"."""
    head = [
        "Tabelle: 13211-02ir",
        "Arbeitslose nach Altersgruppen - Kreise - Jahr;;;;",
        "Arbeitsmarktstatistik der Bundesagentur für Arbeit;;;;",
        "Arbeitslose (Anzahl);;;;",
        ";;;Jahr;;",
        ";;;2022;2023;Veränderung gegenüber Vorjahr in %",
    ]
    rows = [
        "05754;Gütersloh, Kreis;Insgesamt;8.012;8.431;5,2",
        "05754;Gütersloh, Kreis;unter 25 Jahre;801;862;7,6",
        "05754;Gütersloh, Kreis;25 bis unter 55 Jahre;5.200;5.410;4,0",
        "05754;Gütersloh, Kreis;55 Jahre und mehr;2.011;2.159;7,4",
    ]
    return "\n".join(head + rows) + "\n" + FOOTER


def school_years_with_derived_rows() -> str:
    """School years as periods in the rows and derived comparison rows between them."""
    head = [
        "Tabelle: 21111-01i",
        "Schüler/-innen an allgemeinbildenden Schulen nach Staatsangehörigkeit;;;;",
        ";;;Schulstatistik;Schulstatistik",
        ";;;Schüler/-innen;Schüler/-innen",
        ";;;Deutsche;Ausländer/-innen",
        ";;;Anzahl;Anzahl",
    ]
    rows = [
        "Schuljahr 2022/23;05754;Gütersloh, Kreis;40.100;6.200",
        "Schuljahr 2023/24;05754;Gütersloh, Kreis;40.300;6.650",
        "2023/24 / 2022/23;05754;Gütersloh, Kreis;0,5;7,3",
        "Veränderung zum Vorjahr;05754;Gütersloh, Kreis;200;450",
    ]
    return "\n".join(head + rows) + "\n" + FOOTER
