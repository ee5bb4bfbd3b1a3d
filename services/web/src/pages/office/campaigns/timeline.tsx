import type { OfficeCampaignData } from './campaign-page.tsx';
import { chinaTime } from './china-time.ts';

type Event = OfficeCampaignData['history'][number];

/** What each change of a campaign was, in Chinese. */
function said(event: Event): string {
  switch (event.type) {
    case 'CampaignCreated':
      return event.copiedFrom ? `由 ${event.copiedFrom} 复制创建` : '创建活动';
    case 'CampaignSettingsChanged':
      return '修改活动设置';
    case 'CampaignOpened':
      return '开启活动';
    case 'DeadlineExtended':
      return `截止时间延至 ${event.closesAt ? chinaTime(event.closesAt) : ''}`;
    case 'CampaignClosed':
      return '截止活动';
    case 'CampaignCancelled':
      return `取消活动：${event.reason ?? ''}`;
    case 'ResultsPublished':
      return '公布结果';
    case 'JudgeAssigned':
      return `指派评委 ${event.judge ?? ''}`;
    case 'JudgeUnassigned':
      return `撤下评委 ${event.judge ?? ''}`;
    default:
      return event.type;
  }
}

interface Props {
  readonly campaign: OfficeCampaignData;
  /** Who is who: an account's id (a token's subject) → its name and login; service tokens keep their subject. */
  readonly people: ReadonlyMap<string, string>;
}

/** 时间线: the campaign's own changes in order (Campaign.history), each with its time and who made it. */
export function CampaignTimeline({ campaign, people }: Props) {
  return (
    <ol className="campaign-timeline" aria-label="时间线">
      {campaign.history.map((event) => (
        <li key={`${event.type}-${event.recordedAt}-${event.judge ?? ''}`}>
          <time dateTime={event.recordedAt}>{chinaTime(event.recordedAt)}</time> {said(event)}
          <span className="hint"> · {people.get(event.actor) ?? event.actor}</span>
        </li>
      ))}
    </ol>
  );
}
