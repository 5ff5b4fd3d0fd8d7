"""Words the demo company writes and the names of the people and firms it meets.

Small phrase banks, combined at random, so posts and contacts read like a real year of a
route-planning software company without any of them being real.
"""

from __future__ import annotations

from typing import Final

import numpy as np

FIRST_NAMES: Final = (
    "Mia", "Jonas", "Sofia", "Lukas", "Emma", "Noah", "Hanna", "Elias", "Lena", "Finn",
    "Clara", "Mateo", "Ida", "Oskar", "Freya", "Jan", "Marta", "Piotr", "Anouk", "Daan",
    "Sanne", "Bram", "Elin", "Nils", "Chloé", "Hugo", "Giulia", "Marco", "Aoife", "Liam",
    "Zofia", "Tomasz", "Ines", "Rui", "Kaisa", "Mikko", "Sara", "Omar", "Leila", "Yusuf",
)  # fmt: skip
LAST_NAMES: Final = (
    "Becker", "Jansen", "Nowak", "Rossi", "Dubois", "Larsen", "Virtanen", "Murphy", "Santos",
    "Kowalski", "de Vries", "Andersson", "Moreau", "Ferrari", "Nielsen", "Schmidt", "Peeters",
    "Horvat", "Novak", "Costa", "Berg", "Lindgren", "Meyer", "Fischer", "Bakker", "Weber",
    "Hansen", "Lambert", "Ricci", "Kelly", "Wójcik", "Silva", "Korhonen", "Haas", "Vogel",
)  # fmt: skip
COMPANY_FIRST: Final = (
    "Hanse", "Baltic", "Rhein", "Nordic", "Alpine", "Danube", "Iberia", "Polar", "Delta",
    "Atlas", "Meridian", "Vistula", "Elbe", "Tagus", "Fjord", "Carpathian", "Benelux", "Loire",
    "Adriatic", "Scandia", "Central", "Westport", "Eastgate", "Harbour", "Summit",
)  # fmt: skip
COMPANY_SECOND: Final = (
    "Logistik", "Haulage", "Freight", "Cargo", "Transport", "Spedition", "Express", "Fleet",
    "Distribution", "Carriers", "Linehaul", "Movers", "Supply", "Trucking", "Parcel",
)  # fmt: skip
JOB_TITLES: Final = (
    "Operations Director", "Head of Dispatch", "Transport Manager", "Fleet Manager",
    "COO", "Logistics Manager", "Dispatcher", "Planning Lead", "Managing Director",
    "Head of Operations", "Route Planner", "Supply Chain Manager",
)  # fmt: skip
COUNTRIES: Final = (
    ("Germany", "Hamburg"), ("Netherlands", "Rotterdam"), ("Denmark", "Aarhus"),
    ("Sweden", "Gothenburg"), ("Poland", "Gdańsk"), ("United Kingdom", "Manchester"),
    ("France", "Lyon"), ("Belgium", "Antwerp"), ("Spain", "Valencia"), ("Finland", "Tampere"),
)  # fmt: skip

GUIDE_TOPICS: Final = (
    "cut empty kilometres on return legs", "plan multi-drop routes around loading windows",
    "set realistic delivery slots in winter", "balance driver hours across a week",
    "price fuel surcharges from route data", "handle same-day orders without chaos",
    "measure on-time delivery honestly", "plan around low-emission zones",
    "onboard new dispatchers in a week", "cut idle time at crowded depots",
    "use telematics data in daily planning", "schedule maintenance without losing capacity",
)  # fmt: skip
INSIGHTS: Final = (
    "A customer told me their planners re-plan 40% of routes by hand after 10am.",
    "Asked five operations directors what they would fix first. All five said loading docks.",
    "The cheapest kilometre is the one you don't drive empty. One customer's numbers:",
    "What a dispatcher at a 600-truck firm taught me about Monday mornings.",
    "Three questions buyers asked me this week about switching planning tools.",
    "Why the best route plan is the one drivers actually follow.",
    "A fleet manager's rule of thumb for winter planning that I keep coming back to.",
    "The difference between on-time and on-promise delivery, in one customer story.",
)  # fmt: skip
COMMENTS: Final = (
    "Great point, we see the same in our depot.", "How do you handle this with seasonal peaks?",
    "Does this work for temperature-controlled loads?", "We tried this last year, mixed results.",
    "Can you share the template?", "Interesting. What did it do to driver overtime?",
    "Is there an integration with our TMS?", "Would love a demo of this.",
    "Exactly the problem we have with multi-drop.", "How long did the rollout take?",
)  # fmt: skip
REPLIES: Final = (
    "Thanks! Happy to share more, I'll send you a message.",
    "Good question: it depends on the loading windows; here is how we approach it.",
    "Yes, several customers do. I'll connect you with one of them.",
    "We see that often. The trick is to plan returns first.",
    "Thanks for reading! Template is on its way.",
)  # fmt: skip
SUPPORT_QUESTIONS: Final = (
    "route import keeps failing with a CSV error", "the driver app shows yesterday's routes",
    "how do I add a second depot?", "ETA emails are not sent to customers",
    "can I export planned routes to Excel?", "login with SSO stopped working",
    "the map does not load in the planner", "how do I set a driver's break rules?",
)  # fmt: skip
SUPPORT_ANSWERS: Final = (
    "That's fixed by re-saving the file as UTF-8; here's the guide:",
    "Pull down to refresh in the app; if it persists, update to the latest version.",
    "Settings › Depots › Add depot. Step by step:",
    "Check that customer notifications are switched on under Settings › Messages:",
    "Yes: Routes › Export › Excel. More in our help centre:",
    "We've just fixed an SSO issue, please try again now. Status page:",
    "Clearing the browser cache usually helps; details here:",
    "Under Drivers › Rules you can set breaks per driver:",
)  # fmt: skip
TICKET_ANSWER: Final = (
    "Sorry about that! Please send us a DM with your account ID and we'll open a ticket."
)
NEWS: Final = (
    "New in the planner: drag-and-drop re-planning for live routes.",
    "Release notes: faster CSV imports and a new depot view.",
    "We now support low-emission zone maps for 40 more cities.",
    "The driver app works offline now, including proof of delivery.",
    "New API endpoints for ETA updates are live.",
    "Winter mode: road-condition aware travel times are now on by default.",
)  # fmt: skip
BRAGS: Final = (
    "We're proud to be named Logistics Software of the Year 2026!",
    "Northwind makes the 'Fastest growing SaaS in logistics' list again.",
    "Our team picked up the Innovation Award at the Freight Tech Summit.",
    "Thank you to the 500 fleets that now plan with Northwind!",
)  # fmt: skip
TEAM: Final = (
    "Friday team lunch at the Hamburg office.", "Welcome to our new support engineers!",
    "We're hiring: two route-planning specialists.", "Behind the scenes at our planning lab.",
    "Our summer hackathon results are in.", "Volunteering day with a local food bank.",
)  # fmt: skip
VIDEOS: Final = (
    "How Northwind plans 1,000 stops in 90 seconds",
    "Customer story: Hanse Logistik cuts empty kilometres",
    "Planner walkthrough for new dispatchers",
    "Winter routing: what changes and why",
    "Webinar: measuring on-time delivery",
    "Inside the Northwind planning lab",
)  # fmt: skip


def pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    """One of `options`, uniformly."""
    return options[int(rng.integers(len(options)))]


def person(rng: np.random.Generator) -> tuple[str, str]:
    """A random first and last name."""
    return pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)


def company(rng: np.random.Generator) -> str:
    """A random logistics firm's name."""
    return f"{pick(rng, COMPANY_FIRST)} {pick(rng, COMPANY_SECOND)}"


def slug(text: str) -> str:
    """Lower-case, ASCII letters and digits joined by dashes (for handles, URLs, e-mails)."""
    table = str.maketrans("éóńąłśżźćęöäüåø", "eonalszzceoauao")
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text.casefold().translate(table))
    return "-".join(part for part in cleaned.split("-") if part)
