"""Locations: what a building is like, how to get there and step-free access, plus the
builders for HSDS location records and for phone numbers from Ofcom's drama ranges.

Location text is not translated (only service names and descriptions are), so these
pools are English only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import kingsmere as K

# Who owns a shared building, where that is not the first service listed there.
VENUE_OWNERS = {
    "civic-centre": "kcc", "welcome-centre": "migrant-centre", "central-library": "kcc-libraries",
    "northgate-library": "kcc-libraries", "eastbrook-library": "kcc-libraries",
    "southfields-library": "kcc-libraries", "westmoor-library": "kcc-libraries",
    "hollins-library": "kcc-libraries", "millbrook-library": "kcc-libraries",
    "ashby-library": "kcc-libraries", "castle-library": "kcc-libraries",
    "northgate-hub": "kcc", "eastbrook-hub": "kcc", "southfields-hub": "kcc", "hollins-cc": "kcc",
    "millbrook-cc": "kcc", "westmoor-hall": "kcc", "castle-rooms": "kcc",
    "family-hub-north": "kcc-family", "family-hub-ashby": "kcc-family", "family-hub-millbrook": "kcc-family",
    "riverside-childrens": "kcc-family", "leisure-centre": "kcc-leisure", "swimming-pool": "kcc-leisure",
    "youth-sport": "kcc-leisure", "abbeyfield-park": "kcc-leisure", "eastbrook-rec": "kcc-leisure",
    "general-hospital": "nhs-trust", "utc": "nhs-trust", "maternity-unit": "nhs-trust",
    "cavendish-clinic": "nhs-trust", "respiratory-clinic": "nhs-trust", "central-health": "nhs-trust",
    "hospital-education": "nhs-trust", "chaplaincy": "nhs-trust", "screening-unit": "nhs-trust",
    "st-annes": "st-annes", "choir-room": "st-annes", "central-mosque": "central-mosque",
    "gurdwara": "gurdwara", "meeting-house": "quakers", "baptist": "millbrook-baptist",
    "parish-centre": "parish-lady", "playgroup-room": "parish-lady", "greyfriars": "night-shelter",
    "daybreak": "hope-kitchen", "student-hub": "university", "law-clinic": "university",
    "dental-school": "university", "teach-again": "university", "courtyard": "many-voices",
}

_DESCRIBE = {
    "civic": ["The council's main public building. Ask at the ground-floor reception and staff will show you where to go.",
              "A council building open to the public on weekdays. There is a quiet room you can ask to use."],
    "hub": ["A community centre with a café area, meeting rooms and free Wi-Fi.",
            "A busy neighbourhood centre with a kitchen, a hall and small rooms for private conversations.",
            "A community building with a welcome desk, free tea and a children's corner."],
    "library": ["A public library with free computers, Wi-Fi, printing and toilets.",
                "A library with a community room, free internet and a children's area."],
    "clinic": ["An NHS clinic building. Reception is on the ground floor.",
               "A health clinic. Tell reception your name and which clinic you have come for."],
    "gp": ["A GP surgery. The reception desk is just inside the main door.",
           "A GP practice with a waiting room, a private room for registration and a baby-change area."],
    "hospital": ["Part of the Kingsmere General Hospital site. Follow the coloured signs from the main entrance.",
                 "On the hospital site; volunteers at the main entrance can walk you there."],
    "pharmacy": ["A community pharmacy with a private consultation room.",
                 "A high-street pharmacy; ask at the counter to speak to the pharmacist in private."],
    "office": ["Offices on a shared site. Ring the buzzer at the street door and someone will come down.",
               "A small office with a waiting area and private interview rooms."],
    "church": ["A church hall next to the church, used by many community groups.",
               "Church rooms with a kitchen; enter by the side door."],
    "mosque": ["The mosque's community rooms, with a separate entrance to the hall. Everyone is welcome, not only Muslims.",
               "A mosque with a community hall and a sisters' room."],
    "gurdwara": ["A Sikh temple. Please cover your head and take off your shoes inside; head scarves are provided."],
    "college": ["A college teaching building with a reception, a café and quiet study spaces.",
                "Training rooms with computers; sign in at reception."],
    "university": ["A university building on the main campus. Reception staff can direct you.",
                   "On the University of Kingsmere campus; maps are posted at each entrance."],
    "school": ["A school building. Outside school hours use the community entrance at the side."],
    "shop": ["A shop front on the high street.", "A small shop with a waiting bench and a toilet for customers."],
    "cafe": ["A café with a large table for groups and a quiet corner.", "A friendly café; groups meet in the back room."],
    "hall": ["A community hall with a kitchen and toilets.", "A meeting hall used by several community groups during the week."],
    "leisure": ["A council sports and leisure building with changing rooms."],
    "garden": ["An outdoor site with a polytunnel, a shelter and a compost toilet. Wear clothes that can get muddy."],
    "shelter": ["A building with sleeping space, showers and a kitchen.", "Supported accommodation with a 24-hour staffed reception."],
    "warehouse": ["A warehouse unit on an industrial estate, with a small reception at the front."],
    "workplace": ["A workplace site. Go to the visitor reception at the main gate.",
                  "An employer's site; the recruitment and training room is signed from the car park."],
    "workshop": ["A workshop with tools, benches and a kettle."],
    "sports": ["An outdoor sports ground with a pavilion and changing rooms."],
    "park": ["A meeting point in a public park, next to the pavilion café."],
    "arts": ["An arts centre with studios, a small theatre and a café."],
    "family": ["A family hub with a play room, baby-change and breastfeeding space, and a garden.",
               "A family centre with a soft-play room and a quiet room for parents."],
}

_BUSES = {
    "City Centre": ["A short walk from the bus station on Lower Mill Street.",
                    "Kingsmere railway station is a 10-minute walk; all city buses stop on Market Square."],
    "Northgate": ["Buses 2 and 12 stop on Northgate Road."],
    "Eastbrook": ["Buses 5 and 5A stop on Station Road."],
    "Southfields": ["Buses 7 and 17 stop on Southfields Parade."],
    "Westmoor": ["Bus 9 every 20 minutes from the city centre; stop at Moor Lane."],
    "Riverside": ["Bus 3 stops on Quay Road; free parking on Wharf Street after 6pm."],
    "Hollins Park": ["Buses 4 and 14 stop on Hollins Road."],
    "Abbeyfield": ["Bus 6 stops at Abbey Road; a 20-minute walk from the city centre."],
    "Ashby Vale": ["Bus 8 stops on Bramley Road."],
    "Millbrook": ["Buses 10 and 11 stop on Mill Lane."],
    "Castle Hill": ["Bus 1 to Castle Hill; it is a steep walk up from the city centre."],
    "University Quarter": ["The U1 university bus stops on College Green; buses 2 and 6 stop on Regent Street."],
}

_STEP_FREE = [
    ("Step-free entrance and an accessible toilet.", "Hearing loop at reception. Lift to all floors."),
    ("Level access from the street; accessible toilet on the ground floor.", "Disabled parking bays at the front."),
    ("Ramp at the main entrance, automatic doors and an accessible toilet.", "Hearing loop and large-print signs."),
    ("Step-free access throughout.", "Accessible toilet and baby-change; seating in the waiting area."),
]
_STEPS = [
    ("There are three steps at the entrance and no lift to the first floor.",
     "If you cannot manage steps, call ahead and staff will meet you in a ground-floor room."),
    ("Entrance has two steps; a portable ramp is available on request.",
     "No accessible toilet on site; the nearest one is in the library two minutes away."),
    ("The building is up a short flight of stairs.",
     "Staff can arrange to see you at a nearby step-free venue; ask when you book."),
]
_GARDEN = [("Uneven paths and grass; some raised beds can be reached from a wheelchair.",
            "A volunteer can meet you at the gate. There is a compost toilet only.")]


def describe(kind: str, hood: str, rng: random.Random) -> str:
    where = "in the city centre" if hood == "City Centre" else f"in {hood}"
    return f"{rng.choice(_DESCRIBE[kind])} Located {where}."


def transport(hood: str, rng: random.Random) -> str:
    return rng.choice(_BUSES[hood])


def accessibility(kind: str, step_free: bool, rng: random.Random) -> tuple[str, str]:
    if kind == "garden":
        return rng.choice(_GARDEN)
    return rng.choice(_STEP_FREE if step_free else _STEPS)


AREA_DESCRIPTIONS = {
    "Kingsmere": "The City of Kingsmere (postcodes KM1 to KM12).",
    "Kingsmereshire": "The city of Kingsmere and the rest of Kingsmereshire.",
    "England": "Anywhere in England.",
    "United Kingdom": "Anywhere in the UK.",
    "Eastbrook": "The Eastbrook neighbourhood (KM3).",
    "Northgate": "The Northgate neighbourhood (KM2).",
}


# --- building the HSDS records ---------------------------------------------------

class Phones:
    """Numbers from Ofcom's ranges reserved for drama, handed out without repeats."""

    def __init__(self, rng: random.Random):
        self.pools = {
            "landline": [f"+44 1632 960{n:03d}" for n in rng.sample(range(1000), 1000)],
            "mobile": [f"+44 7700 900{n:03d}" for n in rng.sample(range(1000), 1000)],
            "freephone": [f"+44 808 157 0{n:03d}" for n in rng.sample(range(1000), 1000)],
        }

    def reserve(self, number: str) -> None:
        """Keep a number that a table spells out from being handed to anyone else."""
        for pool in self.pools.values():
            if number in pool:
                pool.remove(number)

    def take(self, kind: str) -> str:
        return self.pools[kind].pop()


def _place(key: str, seed: int) -> tuple[float, float, str]:
    """(km east, km north, postcode) of a venue; one inside another shares its postcode."""
    rng = random.Random(f"{seed}:venue:{key}")
    if key in K.NEAR:
        east, north, postcode = _place(K.NEAR[key], seed)
        return east + rng.uniform(-0.03, 0.03), north + rng.uniform(-0.03, 0.03), postcode
    district, east, north = K.HOODS[K.VENUES[key][1]]
    east += rng.uniform(-0.45, 0.45)
    north += rng.uniform(-0.45, 0.45)
    letters = "ABDEFGHJLNPQRSTUWXY"
    return east, north, f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def build_location(key: str, owner_org_id: str, did: Callable[..., str], seed: int) -> dict:
    name, hood, street, kind, step_free = K.VENUES[key]
    if key in K.NEAR and K.VENUES[K.NEAR[key]][1] != hood:
        raise ValueError(f"{key} is near {K.NEAR[key]} but in another neighbourhood")
    east, north, postcode = _place(key, seed)
    assert math.hypot(east, north) < 6.0, key
    lat = K.CENTRE[0] + north / 111.2
    lon = K.CENTRE[1] + east / (111.32 * math.cos(math.radians(K.CENTRE[0])))
    rng = random.Random(f"{seed}:venue-text:{key}")
    lid = did("location", key)
    access_desc, access_details = accessibility(kind, step_free, rng)
    loc = {
        "id": lid,
        "location_type": "physical",
        "name": name,
        "description": describe(kind, hood, rng),
        "transportation": transport(hood, rng),
        "latitude": round(lat, 6),
        "longitude": round(lon, 6),
        "organization_id": owner_org_id,
        "addresses": [{
            "id": did("address", key), "location_id": lid, "address_1": street,
            "address_2": hood if hood != "City Centre" else "",
            "city": K.CITY, "state_province": K.COUNTY, "postal_code": postcode,
            "country": K.COUNTRY, "address_type": "physical",
        }],
        "accessibility": [{"id": did("accessibility", key), "location_id": lid,
                           "description": access_desc, "details": access_details}],
    }
    if not loc["addresses"][0]["address_2"]:
        del loc["addresses"][0]["address_2"]
    return loc
