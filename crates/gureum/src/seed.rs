//! `gureum seed --services N [--seed S]` and the demo catalog: a deterministic synthetic Korean
//! catalog of any size, dated relative to the clock, written through the import path.

use crate::cli::{Cli, CmdResult, Failure};
use crate::import::{IdSource, ImportStats, Importer};
use gureum_domain::audit::sha256_hex;
use gureum_domain::cert::{CertType, Certification, CsapGrade};
use gureum_domain::listing::{ImportLine, PriceModel, PricePlan, Sla, SupplierRef, SupplierSize};
use gureum_domain::{BusinessNumber, Clock, Krw, Listing, ServiceCode, ServiceKind, ServiceStatus};
use gureum_storage::Db;
use time::{Date, Duration};

/// SplitMix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Ids derived from the seed, so the same seed gives the same ids: UUIDv7 whose "time" counts
/// the ids made (from 2026-01-01), so that they are ordered like real imports' ids, and whose
/// random part comes from the seed and the key.
pub fn seeded_ids(seed: u64) -> IdSource {
    const START_MS: u64 = 1_767_225_600_000;
    let mut made = 0u64;
    Box::new(move |key: &str| {
        let h = sha256_hex(format!("{seed}:{key}").as_bytes());
        let mut bytes = [0u8; 10];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&h[i * 2..i * 2 + 2], 16).unwrap_or(0);
        }
        made += 1;
        uuid::Builder::from_unix_timestamp_millis(START_MS + made, &bytes).into_uuid().to_string()
    })
}

const BRANDS: &[(&str, &str)] = &[
    ("누리", "Nuri"),
    ("한빛", "Hanbit"),
    ("온새미", "Onsaemi"),
    ("다온", "Daon"),
    ("가람", "Garam"),
    ("미르", "Mir"),
    ("별하", "Byeolha"),
    ("솔빛", "Solbit"),
    ("나래", "Narae"),
    ("이음", "Ieum"),
    ("두리", "Duri"),
    ("새봄", "Saebom"),
    ("하람", "Haram"),
    ("아라", "Ara"),
    ("바른", "Bareun"),
    ("참빛", "Chambit"),
    ("푸른솔", "Pureunsol"),
    ("한울", "Hanul"),
    ("다솜", "Dasom"),
    ("라온", "Raon"),
    ("마루", "Maru"),
    ("보람", "Boram"),
    ("세움", "Seum"),
    ("윤슬", "Yunseul"),
    ("초록", "Chorok"),
    ("한결", "Hangyeol"),
    ("해온", "Haeon"),
    ("빛가람", "Bitgaram"),
    ("여울", "Yeoul"),
    ("그린", "Green"),
];

const COMPANY_SUFFIX: &[&str] = &["소프트", "테크", "시스템즈", "클라우드", "정보통신", "데이터", "네트웍스", "아이티", "랩스", "솔루션"];

/// (kind, category, product names ko/en, tags)
struct CategorySpec {
    kind: ServiceKind,
    category: &'static str,
    products: &'static [(&'static str, &'static str)],
    tags: &'static [&'static str],
    feature: &'static str,
}

const CATEGORIES: &[CategorySpec] = &[
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "전자결재",
        products: &[("전자결재", "e-Approval"), ("스마트 전자결재", "Smart Approval"), ("전자결재 클라우드", "Approval Cloud")],
        tags: &["전자결재", "그룹웨어", "결재선", "전자문서"],
        feature: "기안부터 결재, 시행, 접수까지 전자문서 유통을 한 화면에서 처리합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "그룹웨어",
        products: &[("그룹웨어", "Groupware"), ("협업 그룹웨어", "Collaboration Suite"), ("오피스 클라우드", "Office Cloud")],
        tags: &["그룹웨어", "메일", "일정", "게시판"],
        feature: "메일, 일정, 게시판, 주소록과 전자결재 연계를 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "영상회의",
        products: &[
            ("영상회의", "Video Meeting"),
            ("화상회의 클라우드", "Video Conference Cloud"),
            ("온라인 회의실", "Online Meeting Room"),
        ],
        tags: &["영상회의", "화상회의", "원격근무", "webinar"],
        feature: "최대 300명이 참여하는 영상회의와 화면 공유, 회의록 자동 작성을 지원합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "예산 회계",
        products: &[("예산회계", "Budget Accounting"), ("예산 회계 관리", "Budget & Accounting"), ("재무회계 클라우드", "Finance Cloud")],
        tags: &["예산", "회계", "재무", "지방재정"],
        feature: "예산 편성과 집행, 복식부기 회계, 결산 보고서를 자동화합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "인사 급여",
        products: &[("인사급여", "HR & Payroll"), ("인사관리", "HR Manager"), ("근태관리", "Attendance")],
        tags: &["인사", "급여", "근태", "HR"],
        feature: "인사 기록, 급여 계산, 근태와 연차를 통합 관리합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "민원 관리",
        products: &[("민원관리", "Civil Petition"), ("민원 접수 포털", "Petition Portal"), ("통합 민원창구", "One-stop Petition")],
        tags: &["민원", "접수", "처리기한", "국민신문고"],
        feature: "온라인 민원 접수부터 처리기한 관리, 만족도 조사까지 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "문서 관리",
        products: &[("문서관리", "Document Manager"), ("기록물 관리", "Records Manager"), ("전자문서 보관", "e-Document Vault")],
        tags: &["문서", "기록물", "보존", "검색"],
        feature: "전자문서와 기록물의 등록, 보존, 검색, 폐기를 기록관리 기준에 맞게 처리합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "교육 학습관리",
        products: &[("이러닝", "e-Learning"), ("학습관리 LMS", "LMS"), ("온라인 교육", "Online Academy")],
        tags: &["교육", "LMS", "이러닝", "연수"],
        feature: "공무원 연수와 주민 교육을 위한 강의 운영, 수료 관리, 설문을 지원합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "홈페이지 관리",
        products: &[("홈페이지 빌더", "Web Builder"), ("CMS", "CMS"), ("누리집 관리", "Website Manager")],
        tags: &["홈페이지", "CMS", "웹접근성", "누리집"],
        feature: "웹 접근성 인증 기준을 지키는 기관 누리집을 손쉽게 만들고 운영합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "고객상담 챗봇",
        products: &[("AI 챗봇", "AI Chatbot"), ("상담 챗봇", "Help Chatbot"), ("콜센터 클라우드", "Contact Center Cloud")],
        tags: &["챗봇", "상담", "콜센터", "AI"],
        feature: "자주 묻는 질문에 24시간 답하고 상담원에게 자연스럽게 연결합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "지리정보 GIS",
        products: &[("GIS 플랫폼", "GIS Platform"), ("공간정보 지도", "Spatial Map"), ("지도 서비스", "Map Service")],
        tags: &["GIS", "공간정보", "지도", "3D"],
        feature: "공간정보를 지도 위에 시각화하고 행정구역별 통계를 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "재난 안전",
        products: &[("재난안전 관리", "Disaster Safety"), ("안전점검", "Safety Inspection"), ("재난문자 연계", "Alert Link")],
        tags: &["재난", "안전", "점검", "상황관리"],
        feature: "시설 안전점검과 재난 상황 전파, 대응 기록을 모바일로 처리합니다",
    },
    CategorySpec {
        kind: ServiceKind::Saas,
        category: "보안",
        products: &[("백신 클라우드", "Antivirus Cloud"), ("문서보안", "Document Security"), ("접근제어", "Access Control")],
        tags: &["보안", "백신", "DRM", "접근제어"],
        feature: "업무용 PC와 문서를 악성코드와 유출로부터 보호합니다",
    },
    CategorySpec {
        kind: ServiceKind::Iaas,
        category: "클라우드 서버",
        products: &[("클라우드 서버", "Cloud Server"), ("가상 서버", "Virtual Server"), ("GPU 서버", "GPU Server")],
        tags: &["서버", "가상머신", "컴퓨팅", "VM"],
        feature: "필요한 만큼 vCPU와 메모리를 선택해 분 단위로 서버를 만들고 반납합니다",
    },
    CategorySpec {
        kind: ServiceKind::Iaas,
        category: "스토리지",
        products: &[("오브젝트 스토리지", "Object Storage"), ("블록 스토리지", "Block Storage"), ("아카이브 스토리지", "Archive Storage")],
        tags: &["스토리지", "저장소", "오브젝트", "storage"],
        feature: "데이터를 세 곳 이상에 복제해 보관하는 내구성 높은 저장소를 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Iaas,
        category: "백업",
        products: &[("클라우드 백업", "Cloud Backup"), ("백업 재해복구", "Backup & DR"), ("데이터 백업", "Data Backup")],
        tags: &["백업", "backup", "재해복구", "DR"],
        feature: "서버와 데이터베이스를 정해진 주기로 백업하고 다른 리전으로 복구합니다",
    },
    CategorySpec {
        kind: ServiceKind::Paas,
        category: "데이터베이스",
        products: &[("관리형 데이터베이스", "Managed Database"), ("클라우드 DB", "Cloud DB"), ("PostgreSQL 서비스", "PostgreSQL Service")],
        tags: &["데이터베이스", "DB", "PostgreSQL", "이중화"],
        feature: "이중화, 자동 백업, 패치가 포함된 관리형 데이터베이스입니다",
    },
    CategorySpec {
        kind: ServiceKind::Paas,
        category: "컨테이너 플랫폼",
        products: &[("쿠버네티스", "Kubernetes"), ("컨테이너 플랫폼", "Container Platform"), ("앱 배포 플랫폼", "App Platform")],
        tags: &["컨테이너", "쿠버네티스", "Kubernetes", "DevOps"],
        feature: "컨테이너 기반 애플리케이션을 배포하고 자동으로 확장합니다",
    },
    CategorySpec {
        kind: ServiceKind::Paas,
        category: "개발 플랫폼",
        products: &[("전자정부 표준프레임워크 PaaS", "eGovFrame PaaS"), ("API 게이트웨이", "API Gateway"), ("메시지 큐", "Message Queue")],
        tags: &["개발", "API", "표준프레임워크", "PaaS"],
        feature: "전자정부 표준프레임워크 기반 개발과 운영 환경을 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Daas,
        category: "가상데스크톱",
        products: &[("클라우드 PC", "Cloud PC"), ("VDI", "VDI"), ("망분리 데스크톱", "Isolated Desktop")],
        tags: &["VDI", "가상데스크톱", "망분리", "원격근무"],
        feature: "망분리 환경에서도 어디서나 안전하게 업무용 데스크톱에 접속합니다",
    },
    CategorySpec {
        kind: ServiceKind::Support,
        category: "컨설팅",
        products: &[
            ("클라우드 전환 컨설팅", "Cloud Consulting"),
            ("ISP 컨설팅", "ISP Consulting"),
            ("클라우드 아키텍처 설계", "Architecture Design"),
        ],
        tags: &["컨설팅", "ISP", "전환전략", "설계"],
        feature: "현행 시스템을 진단하고 클라우드 전환 전략과 비용을 설계합니다",
    },
    CategorySpec {
        kind: ServiceKind::Support,
        category: "전환 마이그레이션",
        products: &[("클라우드 마이그레이션", "Cloud Migration"), ("데이터 이관", "Data Migration"), ("시스템 전환", "System Transition")],
        tags: &["마이그레이션", "전환", "이관", "migration"],
        feature: "서비스 중단을 최소화하며 시스템과 데이터를 클라우드로 옮깁니다",
    },
    CategorySpec {
        kind: ServiceKind::Support,
        category: "MSP 운영관리",
        products: &[("MSP 운영관리", "Managed Service"), ("클라우드 운영 대행", "Cloud Operations"), ("보안관제", "Security Monitoring")],
        tags: &["MSP", "운영", "관제", "모니터링"],
        feature: "24시간 모니터링과 장애 대응, 월간 운영 보고서를 제공합니다",
    },
    CategorySpec {
        kind: ServiceKind::Convergence,
        category: "AI 융합",
        products: &[("AI 민원상담", "AI Petition Assistant"), ("AI 문서요약", "AI Summarizer"), ("AI 음성인식 회의록", "AI Minutes")],
        tags: &["AI", "인공지능", "자연어처리", "음성인식"],
        feature: "인공지능으로 문서를 요약하고 회의 음성을 회의록으로 바꿉니다",
    },
    CategorySpec {
        kind: ServiceKind::Convergence,
        category: "IoT 융합",
        products: &[("IoT 시설관리", "IoT Facility"), ("스마트 가로등", "Smart Streetlight"), ("스마트 주차", "Smart Parking")],
        tags: &["IoT", "센서", "스마트시티", "시설관리"],
        feature: "센서 데이터를 모아 공공시설 상태를 실시간으로 관리합니다",
    },
    CategorySpec {
        kind: ServiceKind::Convergence,
        category: "빅데이터 분석",
        products: &[
            ("빅데이터 분석", "Big Data Analytics"),
            ("데이터 시각화", "Data Visualization"),
            ("공공데이터 개방", "Open Data Portal"),
        ],
        tags: &["빅데이터", "분석", "시각화", "공공데이터"],
        feature: "행정 데이터를 모아 분석하고 대시보드로 정책 결정을 돕습니다",
    },
    CategorySpec {
        kind: ServiceKind::Convergence,
        category: "블록체인",
        products: &[("블록체인 증명", "Blockchain Proof"), ("전자증명서", "Digital Certificate"), ("DID 인증", "DID Auth")],
        tags: &["블록체인", "DID", "전자증명서", "위변조방지"],
        feature: "증명서 위변조를 막는 블록체인 기반 발급과 검증을 제공합니다",
    },
];

const REGIONS: &[&str] = &["서울 리전", "경기(판교) 리전", "대전 리전", "광주 리전", "부산 리전", "춘천 리전", "대구 리전"];
const INTEGRATIONS: &[&str] = &["GPKI", "모바일공무원증", "행정표준코드", "LDAP", "행정전자서명", "온나라 시스템"];
const EXTERNAL_HOSTS: &[&str] = &["NHN Cloud (공공)", "KT Cloud G-Cloud", "Naver Cloud 공공 리전", "삼성SDS 공공 클라우드"];

struct Supplier {
    name: String,
    bn: BusinessNumber,
    size: SupplierSize,
}

/// A deterministic synthetic catalog: `services` lines from about services × 6/25 suppliers.
pub struct Generator {
    rng: Rng,
    suppliers: Vec<Supplier>,
    hosts: Vec<String>,
    n: u64,
    i: u64,
    today: Date,
}

impl Generator {
    pub fn new(services: u64, seed: u64, today: Date) -> Self {
        let mut rng = Rng::new(seed);
        let n_sup = (services * 6 / 25).max(1);
        let suppliers = (0..n_sup)
            .map(|k| {
                let (brand, _) = BRANDS[(k % BRANDS.len() as u64) as usize];
                let suffix = COMPANY_SUFFIX[((k / BRANDS.len() as u64) % COMPANY_SUFFIX.len() as u64) as usize];
                let round = k / (BRANDS.len() * COMPANY_SUFFIX.len()) as u64;
                let name = if round == 0 { format!("{brand}{suffix}") } else { format!("{brand}{suffix} {}", round + 1) };
                // Injective in k: multiply by a prime modulo 9×10⁸ and offset into 9 digits.
                let v = 100_000_000 + (k * 7919) % 900_000_000;
                let mut first9 = [0u32; 9];
                for (j, d) in first9.iter_mut().enumerate() {
                    *d = ((v / 10u64.pow(8 - j as u32)) % 10) as u32;
                }
                let size = match rng.below(100) {
                    0..45 => SupplierSize::Small,
                    45..75 => SupplierSize::Medium,
                    75..90 => SupplierSize::Midsize,
                    _ => SupplierSize::Large,
                };
                Supplier { name, bn: BusinessNumber::from_first9(first9), size }
            })
            .collect();
        Self { rng, suppliers, hosts: Vec::new(), n: services, i: 0, today }
    }

    fn kind_for(&mut self) -> ServiceKind {
        // The first twentieth are IaaS, so SaaS can name listed hosts.
        if self.i < (self.n / 20).max(3) {
            return ServiceKind::Iaas;
        }
        match self.rng.below(100) {
            0..55 => ServiceKind::Saas,
            55..65 => ServiceKind::Paas,
            65..72 => ServiceKind::Daas,
            72..80 => ServiceKind::Iaas,
            80..92 => ServiceKind::Support,
            _ => ServiceKind::Convergence,
        }
    }

    fn cert(&mut self, kind: ServiceKind, serial: u64) -> Option<Certification> {
        let uncertified = match kind {
            ServiceKind::Support => 85,
            ServiceKind::Convergence => 40,
            _ => 8,
        };
        if self.rng.chance(uncertified) {
            return None;
        }
        let cert_type = match kind {
            ServiceKind::Iaas => CertType::Iaas,
            ServiceKind::Paas => CertType::Paas,
            ServiceKind::Daas => CertType::Daas,
            _ if self.rng.chance(30) => CertType::Simplified,
            _ => CertType::Standard,
        };
        let grade = match (cert_type, self.rng.below(100)) {
            (CertType::Simplified, _) => CsapGrade::Low,
            (CertType::Iaas, 0..25) => CsapGrade::High,
            (_, 0..45) => CsapGrade::Medium,
            _ => CsapGrade::Low,
        };
        let t = self.today;
        let (valid_from, valid_to) = match self.rng.below(100) {
            // expiring within 90 days
            0..7 => {
                let to = t + Duration::days(self.rng.range(0, 89));
                (to - Duration::days(5 * 365 - 1), to)
            }
            // expired
            7..13 => {
                let to = t - Duration::days(self.rng.range(1, 400));
                (to - Duration::days(5 * 365 - 1), to)
            }
            _ => {
                let from = t - Duration::days(self.rng.range(30, 1_600));
                (from, from + Duration::days(5 * 365 - 1))
            }
        };
        let host_infra = match kind {
            ServiceKind::Saas | ServiceKind::Daas | ServiceKind::Convergence | ServiceKind::Paas => {
                if !self.hosts.is_empty() && self.rng.chance(75) {
                    Some(self.rng.pick(&self.hosts).clone())
                } else {
                    Some((*self.rng.pick(EXTERNAL_HOSTS)).to_owned())
                }
            }
            _ => None,
        };
        let type_code = match cert_type {
            CertType::Iaas => "I",
            CertType::Standard => "S",
            CertType::Simplified => "E",
            CertType::Daas => "D",
            CertType::Paas => "P",
        };
        Some(Certification {
            scheme: "CSAP".into(),
            issuer: Some("한국인터넷진흥원(KISA)".into()),
            cert_type,
            grade,
            number: format!("CSAP-{type_code}-{}-{:05}", valid_from.year(), serial % 100_000),
            valid_from,
            valid_to,
            scope: None,
            host_infra,
            revoked: false,
        })
    }

    fn plans(&mut self, kind: ServiceKind) -> Vec<PricePlan> {
        if self.rng.chance(5) {
            return Vec::new();
        }
        let (unit, model, lo, hi, step): (&str, PriceModel, i64, i64, i64) = match kind {
            ServiceKind::Saas => ("사용자/월", PriceModel::Metered, 2_000, 30_000, 500),
            ServiceKind::Iaas => ("vCPU/시간", PriceModel::Metered, 20, 300, 5),
            ServiceKind::Paas => ("인스턴스/월", PriceModel::Metered, 50_000, 600_000, 10_000),
            ServiceKind::Daas => ("데스크톱/월", PriceModel::Metered, 20_000, 70_000, 1_000),
            ServiceKind::Support => ("인/월", PriceModel::Fixed, 5_000_000, 15_000_000, 100_000),
            ServiceKind::Convergence => ("기관/월", PriceModel::Fixed, 300_000, 5_000_000, 50_000),
        };
        let base = self.rng.range(lo / step, hi / step) * step;
        let tiers: &[(&str, i64)] = &[("베이직", 100), ("스탠다드", 160), ("프리미엄", 250)];
        let count = 1 + self.rng.below(3) as usize;
        tiers[..count]
            .iter()
            .map(|(name, pct)| PricePlan {
                name: (*name).into(),
                model,
                unit: unit.into(),
                unit_price_krw: Krw::new(base * pct / 100),
                vat_included: false,
            })
            .collect()
    }

    fn next_line(&mut self) -> ImportLine {
        let kind = self.kind_for();
        let specs: Vec<&CategorySpec> = CATEGORIES.iter().filter(|c| c.kind == kind).collect();
        let spec = *self.rng.pick(&specs);
        let (brand, brand_en) = *self.rng.pick(BRANDS);
        let (product, product_en) = *self.rng.pick(spec.products);
        let i = self.i;
        let code = ServiceCode::assemble(
            kind,
            (CATEGORIES.iter().position(|c| c.category == spec.category).unwrap_or(0) % 20 + 1) as u8,
            (1 + self.rng.below(30)) as u8,
            (10_000 + i) as u32,
        );
        let sup_idx = self.rng.below(self.suppliers.len() as u64) as usize;
        let cert = self.cert(kind, i);
        let mut tags: Vec<String> = spec.tags.iter().filter(|_| self.rng.chance(70)).map(|t| (*t).to_owned()).collect();
        if tags.is_empty() {
            tags.push(spec.tags[0].into());
        }
        if kind.is_cloud() && !tags.iter().any(|t| t == kind.label_ko()) {
            tags.push(kind.label_ko().into());
        }
        let mut integrations: Vec<String> = INTEGRATIONS.iter().filter(|_| self.rng.chance(30)).map(|s| (*s).to_owned()).collect();
        integrations.dedup();
        let selected_on = self.today - Duration::days(self.rng.range(10, 900));
        let price_plans = self.plans(kind);
        let sup = &self.suppliers[sup_idx];
        let name = format!("{brand} {product}");
        let summary = format!(
            "{} 공공기관을 위한 {}",
            spec.category,
            match kind {
                ServiceKind::Support => "클라우드 지원서비스",
                ServiceKind::Convergence => "클라우드 융합서비스",
                _ => "클라우드 서비스",
            }
        );
        let description = format!(
            "{name}은(는) {}. 공공기관의 보안 요구에 맞추어 {} 환경에서 운영되며, 도입 상담부터 교육과 기술지원까지 {}가 직접 제공합니다.",
            spec.feature,
            cert.as_ref()
                .map(|c| if c.cert_type == CertType::Simplified { "CSAP 간편등급 인증" } else { "CSAP 인증" })
                .unwrap_or("국내 데이터센터"),
            sup.name
        );
        let listing = Listing {
            name,
            name_en: if self.rng.chance(70) { Some(format!("{brand_en} {product_en}")) } else { None },
            code: code.as_str().to_owned(),
            kind,
            category: spec.category.into(),
            subcategory: None,
            tags,
            summary,
            summary_en: None,
            description,
            price_plans,
            certification: cert,
            integrations,
            sla: Some(Sla {
                availability_pct: Some(*self.rng.pick(&[99.5, 99.9, 99.95, 99.99])),
                support_hours: Some((*self.rng.pick(&["평일 09:00-18:00", "24시간 연중무휴", "평일 08:00-20:00"])).to_owned()),
                credit_pct: Some(*self.rng.pick(&[5.0, 10.0, 15.0, 20.0, 30.0])),
            }),
            data_location: Some((*self.rng.pick(REGIONS)).to_owned()),
            selected_on: Some(selected_on),
            selection_valid_to: Some(selected_on + Duration::days(3 * 365)),
            catalog_contract: if self.rng.chance(40) { Some(format!("PPS-{}-{:05}", selected_on.year(), i % 100_000)) } else { None },
        };
        if kind == ServiceKind::Iaas && listing.certification.is_some() {
            self.hosts.push(listing.code.clone());
        }
        let status = if self.rng.chance(2) { ServiceStatus::Suspended } else { ServiceStatus::Listed };
        self.i += 1;
        ImportLine {
            supplier: SupplierRef { name: sup.name.clone(), business_number: sup.bn.digits().to_owned(), size: sup.size },
            business_number: sup.bn.clone(),
            status,
            listing,
        }
    }
}

impl Iterator for Generator {
    type Item = ImportLine;

    fn next(&mut self) -> Option<ImportLine> {
        if self.i >= self.n {
            return None;
        }
        Some(self.next_line())
    }
}

/// Writes a synthetic catalog through the import path.
pub async fn seed_catalog(db: &Db, services: u64, seed: u64, today: Date, show_progress: bool) -> Result<ImportStats, Failure> {
    let bar = crate::import::progress_bar(services, false);
    if !show_progress {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut importer = Importer::new(db, &format!("seed:{seed}"), seeded_ids(seed), |n, e| eprintln!("seed line {n}: {e}"));
    for (k, line) in Generator::new(services, seed, today).enumerate() {
        importer.push(k as u64 + 1, line).await?;
        bar.inc(1);
    }
    let stats = importer.finish().await?;
    bar.finish_and_clear();
    Ok(stats)
}

pub async fn seed_command(cli: &Cli, db: &Db, services: u64, seed: u64) -> CmdResult {
    let stats = seed_catalog(db, services, seed, db.clock().today(), true).await?;
    println!("{stats}");
    crate::serve::update_index_after_write(cli, db).await?;
    Ok(0)
}

/// The demo catalog: about 500 services from about 120 suppliers.
pub async fn seed_demo(db: &Db, clock: Clock) -> Result<(), Failure> {
    let stats = seed_catalog(db, 500, 2026, clock.today(), true).await?;
    eprintln!("demo catalog: {stats}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        let today = time::macros::date!(2026 - 11 - 23);
        let a: Vec<ImportLine> = Generator::new(300, 7, today).collect();
        let b: Vec<ImportLine> = Generator::new(300, 7, today).collect();
        assert_eq!(a, b);
        let c: Vec<ImportLine> = Generator::new(300, 8, today).collect();
        assert_ne!(a, c);
        let mut codes = std::collections::HashSet::new();
        for line in &a {
            // every generated line survives the import parser unchanged
            let parsed = gureum_domain::listing::parse_import_line(&line.to_value());
            assert_eq!(parsed.as_ref().map(|p| &p.listing), Ok(&line.listing));
            assert!(codes.insert(line.listing.code.clone()));
        }
        for kind in ServiceKind::ALL {
            assert!(a.iter().any(|l| l.listing.kind == kind), "{kind:?}");
        }
        for t in CertType::ALL {
            assert!(a.iter().any(|l| l.listing.certification.as_ref().map(|c| c.cert_type) == Some(t)), "{t:?}");
        }
        assert!(a.iter().any(|l| l.listing.certification.as_ref().is_some_and(|c| c.valid_to < today)));
        assert!(
            a.iter().any(|l| l
                .listing
                .certification
                .as_ref()
                .is_some_and(|c| c.valid_to >= today && (c.valid_to - today).whole_days() < 90))
        );
        assert!(a.iter().any(|l| l.listing.certification.is_none()));
    }
}
